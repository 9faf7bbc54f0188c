package dev.sparkllm.planner.cost;

/**
 * Learns an engine's {@link Throughput} from what it measures. Each observation is one stretch of
 * engine work: how many prefill and decode tokens it computed and how long it took. Time is
 * modelled as {@code seconds = a * prefill + b * decode}; a and b come from least squares over
 * the observations, older ones weighted down by {@code forgetting} each time, so the estimate
 * follows a machine whose speed changes. Until the observations pin both down (they must mix
 * prefill-heavy and decode-heavy work), the prior is returned. Thread-safe.
 */
public final class ThroughputCalibrator {
  private final Throughput prior;
  private final double forgetting;
  private double spp;
  private double spd;
  private double sdd;
  private double spt;
  private double sdt;
  private long observations;

  public ThroughputCalibrator(Throughput prior, double forgetting) {
    if (!(forgetting > 0 && forgetting <= 1)) {
      throw new IllegalArgumentException("forgetting factor must be in (0, 1], got " + forgetting);
    }
    this.prior = prior;
    this.forgetting = forgetting;
  }

  public synchronized void observe(long prefillTokens, long decodeTokens, double seconds) {
    if (prefillTokens < 0 || decodeTokens < 0 || !(seconds > 0) || prefillTokens + decodeTokens == 0) {
      return; // nothing measurable
    }
    spp = forgetting * spp + (double) prefillTokens * prefillTokens;
    spd = forgetting * spd + (double) prefillTokens * decodeTokens;
    sdd = forgetting * sdd + (double) decodeTokens * decodeTokens;
    spt = forgetting * spt + prefillTokens * seconds;
    sdt = forgetting * sdt + decodeTokens * seconds;
    observations++;
  }

  /** The calibrated throughput, or the prior while the data cannot separate the two rates. */
  public synchronized Throughput current() {
    double det = spp * sdd - spd * spd;
    if (observations < 2 || det <= 1e-9 * spp * sdd) {
      return prior;
    }
    double secondsPerPrefill = (spt * sdd - sdt * spd) / det;
    double secondsPerDecode = (sdt * spp - spt * spd) / det;
    if (!(secondsPerPrefill > 0) || !(secondsPerDecode > 0)) {
      return prior; // noise made a rate negative: not a measurement to trust
    }
    return new Throughput(1 / secondsPerPrefill, 1 / secondsPerDecode);
  }
}
