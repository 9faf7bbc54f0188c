package dev.sparkllm.spark.engine;

import dev.sparkllm.uwfq.spark.UserResolver;
import dev.sparkllm.uwfq.spark.UwfqSettings;
import java.util.Properties;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * The user a task runs for, and that user's weight, as the executor's engine shares its tokens:
 * found the same way the UWFQ pool finds the user of a job (the task carries its job's local
 * properties), with the weight from {@code spark.llm.uwfq.weight.<user>}.
 */
public record TaskUser(String name, double weight) {
  public static final TaskUser DEFAULT = new TaskUser("", 1.0);

  /** The running task's user, or {@link #DEFAULT} outside a task. */
  public static TaskUser current() {
    TaskContext task = TaskContext.get();
    if (task == null) {
      return DEFAULT;
    }
    Properties props = new Properties();
    for (String key : new String[] {UserResolver.LLM_USER, UserResolver.JOB_TAGS, UserResolver.KYUUBI_USER,
        UserResolver.POOL}) {
      String value = task.getLocalProperty(key);
      if (value != null) {
        props.setProperty(key, value);
      }
    }
    String user = UserResolver.resolve(props, "");
    double weight = 1.0;
    SparkEnv env = SparkEnv.get();
    if (env != null) {
      String w = env.conf().get(UwfqSettings.WEIGHT_PREFIX + user, "1.0");
      try {
        weight = Double.parseDouble(w);
      } catch (NumberFormatException e) {
        weight = 1.0;
      }
      if (!(weight > 0) || Double.isInfinite(weight)) {
        weight = 1.0;
      }
    }
    return new TaskUser(user, weight);
  }
}
