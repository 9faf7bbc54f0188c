package dev.sparkllm.uwfq.spark;

import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who submitted a job, from the submitting thread's local properties. Front ends put the user in
 * different places; the first one present wins:
 *
 * <ol>
 *   <li>{@code spark.llm.user}: set by this project's API, or by any application that knows;
 *   <li>the Spark Connect operation tag in {@code spark.job.tags}
 *       ({@code SparkConnect_OperationTag_User_<user>_Session_<id>_Operation_<id>});
 *   <li>{@code kyuubi.session.user} (Kyuubi's SQL gateway);
 *   <li>{@code spark.scheduler.pool} when it is not "default": Thrift Server, Zeppelin and
 *       hand-written multi-user apps name pools after users or sessions;
 *   <li>the application's Spark user, which makes everything one user (plain FAIR-like fairness
 *       between its jobs).
 * </ol>
 */
public final class UserResolver {
  public static final String LLM_USER = "spark.llm.user";
  public static final String JOB_TAGS = "spark.job.tags";
  public static final String KYUUBI_USER = "kyuubi.session.user";
  public static final String POOL = "spark.scheduler.pool";

  private static final Pattern CONNECT_TAG =
      Pattern.compile("^SparkConnect_OperationTag_User_(.+)_Session_[^_]+_Operation_.*$");

  private UserResolver() {}

  public static String resolve(Properties props, String sparkUser) {
    String fallback = sparkUser == null || sparkUser.isEmpty() ? "DEFAULT" : sparkUser;
    if (props == null) return fallback;
    String u = nonEmpty(props.getProperty(LLM_USER));
    if (u != null) return u;
    u = connectUser(props.getProperty(JOB_TAGS));
    if (u != null) return u;
    u = nonEmpty(props.getProperty(KYUUBI_USER));
    if (u != null) return u;
    u = nonEmpty(props.getProperty(POOL));
    if (u != null && !u.equals("default")) return u;
    return fallback;
  }

  /** The user id inside a Spark Connect operation tag, if the tags hold one. */
  static String connectUser(String tags) {
    if (tags == null) return null;
    for (String tag : tags.split(",")) {
      Matcher m = CONNECT_TAG.matcher(tag.trim());
      if (m.matches()) return m.group(1);
    }
    return null;
  }

  private static String nonEmpty(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
