package dev.sparkllm.spark;

import java.util.Arrays;
import java.util.List;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** The few conversions between Java and Scala collections the Catalyst nodes need. */
public final class ScalaInterop {
  private ScalaInterop() {}

  @SafeVarargs
  public static <T> Seq<T> seq(T... items) {
    return CollectionConverters.asScala(Arrays.asList(items)).toSeq();
  }

  public static <T> Seq<T> seq(List<T> items) {
    return CollectionConverters.asScala(items).toSeq();
  }

  public static <T> List<T> list(scala.collection.Seq<T> items) {
    return CollectionConverters.asJava(items);
  }

  public static <K, V> scala.collection.immutable.Map<K, V> map(java.util.Map<K, V> map) {
    return scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(map));
  }
}
