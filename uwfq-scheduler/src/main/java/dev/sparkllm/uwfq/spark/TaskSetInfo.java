package dev.sparkllm.uwfq.spark;

import java.util.Properties;

/**
 * The part of a Spark task set the scheduler needs, copied out so that the ordering logic does not
 * touch Spark-internal types.
 *
 * @param jobId the Spark job the task set belongs to (its TaskSet priority)
 * @param properties the submitting thread's local properties (may be null)
 */
public record TaskSetInfo(int stageId, int stageAttempt, int jobId, int numTasks,
                          Properties properties) {}
