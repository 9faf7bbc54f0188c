package dev.sparkllm.uwfq.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualFairQueueTest {

  @Test
  void lightUsersJobJumpsAheadOfAHeavyUsersQueue() {
    VirtualFairQueue q = new VirtualFairQueue(4);
    for (int i = 0; i < 10; i++) q.submit("big" + i, "heavy", 100, 0);
    q.submit("small", "light", 5, 1.0);
    List<String> order = q.jobsInOrder();
    // heavy's chain: 100, 200, ...; light: V(1)=4, +5 = 9.
    assertEquals("small", order.get(0));
    assertEquals("big0", order.get(1));
  }

  @Test
  void jobsOfOneUserAreChainedInProcessorSharingOrder() {
    VirtualFairQueue q = new VirtualFairQueue(1);
    q.submit("long", "u", 10, 0);
    q.submit("short", "u", 2, 0);
    assertEquals(2, q.deadline("short").getAsDouble(), 1e-12);
    assertEquals(12, q.deadline("long").getAsDouble(), 1e-12);
  }

  @Test
  void twoUsersSplitTheCapacityInTheVirtualSystem() {
    VirtualFairQueue q = new VirtualFairQueue(2);
    q.submit("a", "alice", 10, 0);
    q.submit("b", "bob", 4, 0);
    q.advanceTo(100);
    // bob gets 1/s and leaves at 4; alice then has 2/s: 4 + (10-4)/2 = 7.
    assertEquals(4, q.virtualFinishTime("b"), 1e-9);
    assertEquals(7, q.virtualFinishTime("a"), 1e-9);
    assertFalse(q.isUserActive("alice"));
  }

  @Test
  void realFinishOfAnOverestimatedJobReleasesTheUsersChain() {
    VirtualFairQueue q = new VirtualFairQueue(1);
    q.submit("over", "u", 100, 0);
    q.submit("other", "v", 1000, 0);
    q.advanceTo(2); // u received 1 work unit
    q.finish("over", 2, 0.5); // really cost 0.5: charged what it received, 1
    double d = q.submit("next", "u", 5, 2);
    assertEquals(1 + 5, d, 1e-9, "chain restarts after the work actually charged");
    assertEquals(1, q.knownJobs() - 1, "finished job is forgotten");
  }

  @Test
  void realFinishWithoutActualWorkLeavesTheVirtualSystemAlone() {
    VirtualFairQueue q = new VirtualFairQueue(1);
    q.submit("early", "u", 10, 0);
    q.finish("early", 1);
    assertTrue(q.isVirtuallyActive("early"));
    // early still holds its 10 units: next (done in PS at v=6) chains before it, early after.
    assertEquals(5, q.submit("next", "u", 5, 1), 1e-9);
    assertEquals(15, q.deadline("early").getAsDouble(), 1e-9);
    q.advanceTo(100);
    assertTrue(q.deadline("early").isEmpty(), "forgotten once it left the virtual system too");
  }

  @Test
  void revisingARunningJobUpMovesItAndItsSuccessorsBack() {
    VirtualFairQueue q = new VirtualFairQueue(1);
    q.submit("a", "u", 1, 0);
    q.submit("b", "u", 2, 0);
    q.revise("a", 5, 0);
    // PS order is now b (2) then a (5): b at 2, a at 7.
    assertEquals(2, q.deadline("b").getAsDouble(), 1e-12);
    assertEquals(7, q.deadline("a").getAsDouble(), 1e-12);
  }

  @Test
  void aJobThatLeftAndTurnsOutBiggerComesBackBehindNewcomers() {
    VirtualFairQueue q = new VirtualFairQueue(2, UwfqConfig.defaults().withGraceTime(0));
    q.submit("under", "big", 0.1, 0); // really much bigger
    q.advanceTo(1); // left the virtual system at t = 0.05; V stays 0.1 while nobody is active
    assertFalse(q.isVirtuallyActive("under"));
    q.submit("s", "small", 1, 1); // V = 0.1: deadline 1.1
    q.revise("under", 3, 1); // 2.9 more to serve, starting at V = 0.1
    assertTrue(q.isVirtuallyActive("under"));
    assertEquals(0.1 + 2.9, q.deadline("under").getAsDouble(), 1e-9);
    assertEquals("s", q.jobsInOrder().get(0));
    q.advanceTo(100);
    // Each user gets 1 core: small leaves at t = 2; big then has 2.9 - 1 = 1.9 more at rate 2.
    assertEquals(2 + 1.9 / 2, q.virtualFinishTime("under"), 1e-9);
  }

  @Test
  void revisingBelowWhatWasReceivedEndsTheJobNow() {
    VirtualFairQueue q = new VirtualFairQueue(1);
    q.submit("j", "u", 10, 0);
    q.advanceTo(3);
    q.revise("j", 2, 3);
    assertFalse(q.isVirtuallyActive("j"));
    assertEquals(3, q.virtualFinishTime("j"), 1e-12);
    assertEquals(3, q.userStartTag("u"), 1e-12, "charged what it received");
  }

  @Test
  void finishedJobKeepsItsDeadlineUntilForgotten() {
    VirtualFairQueue q = new VirtualFairQueue(1);
    q.submit("j", "u", 1, 0);
    q.advanceTo(5);
    assertFalse(q.isVirtuallyActive("j"));
    assertEquals(1, q.deadline("j").getAsDouble(), 1e-12);
    q.finish("j", 6);
    assertTrue(q.deadline("j").isEmpty());
  }

  @Test
  void capacityChangeChangesTheRateOfVirtualTime() {
    VirtualFairQueue q = new VirtualFairQueue(1);
    q.submit("j", "u", 10, 0);
    q.advanceTo(2);
    q.setCapacity(4, 2);
    q.advanceTo(100);
    assertEquals(2 + 8.0 / 4, q.virtualFinishTime("j"), 1e-9);
  }

  @Test
  void rejectsNonsense() {
    VirtualFairQueue q = new VirtualFairQueue(1);
    assertThrows(IllegalArgumentException.class, () -> q.submit("x", "u", 0, 0));
    q.submit("x", "u", 1, 0);
    assertThrows(IllegalArgumentException.class, () -> q.submit("x", "u", 1, 0));
    assertThrows(IllegalArgumentException.class, () -> q.setWeight("u", 0, 0));
  }
}
