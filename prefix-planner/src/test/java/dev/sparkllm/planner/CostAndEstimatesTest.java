package dev.sparkllm.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparkllm.planner.cost.Cost;
import dev.sparkllm.planner.cost.CostModel;
import dev.sparkllm.planner.cost.ModelShape;
import dev.sparkllm.planner.cost.Throughput;
import dev.sparkllm.planner.cost.ThroughputCalibrator;
import dev.sparkllm.planner.estimate.CalibratedDecodeEstimator;
import dev.sparkllm.planner.estimate.DecodeLengthEstimator;
import org.junit.jupiter.api.Test;

class CostAndEstimatesTest {
  @Test
  void kvBytesFollowTheModelShape() {
    assertEquals(131_072, ModelShape.LLAMA3_8B.kvBytesPerToken(), "2 * 32 layers * 8 heads * 128 * 2 bytes");
    assertEquals(23_040, ModelShape.SMOLLM2_135M.kvBytesPerToken());
  }

  @Test
  void costsConvertTokensToSeconds() {
    CostModel model = new CostModel(ModelShape.LLAMA3_8B, new Throughput(1000, 50));
    Cost cost = model.request(2000, 100);
    assertEquals(2000, cost.prefillTokens());
    assertEquals(2.0 + 2.0, cost.seconds(), 1e-12);
    assertEquals(2100L * 131_072, cost.peakKvBytes());
    assertThrows(IllegalArgumentException.class, () -> new Throughput(0, 1));
  }

  @Test
  void theCalibratorRecoversBothRatesFromMixedWork() {
    ThroughputCalibrator calibrator = new ThroughputCalibrator(new Throughput(1, 1), 0.99);
    assertEquals(new Throughput(1, 1), calibrator.current(), "the prior before any data");
    java.util.Random random = new java.util.Random(1);
    for (int i = 0; i < 200; i++) {
      long prefill = random.nextInt(2000);
      long decode = 1 + random.nextInt(64);
      double seconds = prefill / 800.0 + decode / 40.0;
      calibrator.observe(prefill, decode, seconds * (1 + 0.01 * random.nextGaussian()));
    }
    Throughput learned = calibrator.current();
    assertEquals(800, learned.prefillTokensPerSecond(), 40);
    assertEquals(40, learned.decodeTokensPerSecond(), 2);
  }

  @Test
  void theCalibratorKeepsThePriorWhenDataCannotSeparateTheRates() {
    ThroughputCalibrator calibrator = new ThroughputCalibrator(new Throughput(100, 10), 1.0);
    for (int i = 0; i < 10; i++) {
      calibrator.observe(0, 32, 1.0); // decode only: the prefill rate is unknown
    }
    assertEquals(new Throughput(100, 10), calibrator.current());
  }

  @Test
  void decodeEstimators() {
    assertEquals(128, DecodeLengthEstimator.maxTokens().estimate(128, 5, "u"));
    assertEquals(5, DecodeLengthEstimator.providedElseMaxTokens().estimate(128, 5, "u"));
    assertEquals(128, DecodeLengthEstimator.providedElseMaxTokens().estimate(128, -1, "u"));
    CalibratedDecodeEstimator calibrated = new CalibratedDecodeEstimator(1.0, 0.5);
    assertEquals(100, calibrated.estimate(100, -1, "alice"), 1e-9, "the prior before any observation");
    for (int i = 0; i < 30; i++) {
      calibrated.observe(100, 20, "alice");
    }
    assertEquals(20, calibrated.estimate(100, -1, "alice"), 1e-6);
    assertEquals(20, calibrated.estimate(100, -1, "bob"), 1e-6, "a new user gets the global fraction");
    for (int i = 0; i < 30; i++) {
      calibrated.observe(100, 90, "bob");
    }
    assertEquals(90, calibrated.estimate(100, -1, "bob"), 1e-6);
    assertEquals(20, calibrated.estimate(100, -1, "alice"), 1e-6, "users are calibrated separately");
    assertEquals(7, calibrated.estimate(100, 7, "alice"), "a provided estimate wins");
    assertThrows(IllegalArgumentException.class, () -> new CalibratedDecodeEstimator(0, 0.5));
  }
}
