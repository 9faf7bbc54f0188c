package dev.sparkllm.uwfq.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class UserResolverTest {
  private static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) p.setProperty(kv[i], kv[i + 1]);
    return p;
  }

  @Test
  void explicitUserWinsOverEverything() {
    assertEquals("ann", UserResolver.resolve(props(UserResolver.LLM_USER, "ann",
        UserResolver.KYUUBI_USER, "bob", UserResolver.POOL, "pool1"), "spark"));
  }

  @Test
  void sparkConnectTagNamesTheUser() {
    String tags = "mytag,SparkConnect_OperationTag_User_carol_smith_Session_"
        + "6f1c2f3a-1b2c-4d5e-8f90-123456789abc_Operation_0a1b2c3d-1111-2222-3333-444455556666";
    assertEquals("carol_smith", UserResolver.resolve(props(UserResolver.JOB_TAGS, tags,
        UserResolver.KYUUBI_USER, "bob"), "spark"));
    assertNull(UserResolver.connectUser("SparkConnect_OperationTag_Other"));
  }

  @Test
  void kyuubiThenPoolThenSparkUser() {
    assertEquals("bob", UserResolver.resolve(props(UserResolver.KYUUBI_USER, "bob",
        UserResolver.POOL, "pool1"), "spark"));
    assertEquals("pool1", UserResolver.resolve(props(UserResolver.POOL, "pool1"), "spark"));
    assertEquals("spark", UserResolver.resolve(props(UserResolver.POOL, "default"), "spark"));
    assertEquals("spark", UserResolver.resolve(null, "spark"));
    assertEquals("DEFAULT", UserResolver.resolve(props(), ""));
  }
}
