package dev.sparkllm.uwfq.sim;

/**
 * The authors' job classes, by total executor run time in core-seconds (their oracle estimator's
 * hard-coded values, which are sums of executorRunTime in ms).
 */
public enum JobClass {
  LOOP20(1.523),
  LOOP100(26.926),
  LOOP500(57.115),
  LOOP1000(131.115);

  public final double coreSeconds;

  JobClass(double coreSeconds) {
    this.coreSeconds = coreSeconds;
  }
}
