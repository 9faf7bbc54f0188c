"""PySpark reaches llm_generate with no Python package: only the plugin jar and two settings.

Run by ci/spark-submit-check.sh with the PySpark of ci/install-spark.sh:
    python ci/pyspark-check.py PLUGIN_JAR MODEL_PATH EXPECTED_TEXT
EXPECTED_TEXT is what the engine CLI generated for the same prompt (greedy, 4 tokens): PySpark
must give the same text. Exits non-zero (an AssertionError or a Spark error) when a row is wrong.
"""
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

jar, model, expected = sys.argv[1], sys.argv[2], sys.argv[3]
spark = (SparkSession.builder.master("local[2]").appName("sparkllm-pyspark-check")
         .config("spark.jars", jar)
         .config("spark.sql.extensions", "dev.sparkllm.spark.LlmSparkExtensions")
         .config("spark.plugins", "dev.sparkllm.spark.LlmSparkPlugin")
         .config("spark.llm.model.default.path", model)
         .config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .getOrCreate())
try:
    df = spark.createDataFrame([(1, "What is the capital of France?"), (2, None)], "id int, prompt string")
    rows = (df.select("id", F.expr("llm_generate(prompt, named_struct('max_tokens', 4))").alias("out"))
            .orderBy("id").collect())
    good, bad = rows[0].out, rows[1].out
    assert good.error is None and good.text and 1 <= good.completion_tokens <= 4, good
    assert good.text == expected, "PySpark gave %r, the engine CLI %r" % (good.text, expected)
    assert bad.error == "prompt is null" and bad.finish_reason == "error", bad
    df.createOrReplaceTempView("prompts")
    sql = spark.sql("SELECT llm_generate(prompt, map('max_tokens', '2')).text AS text FROM prompts WHERE id = 1").collect()
    assert sql[0].text, sql
    print("pyspark-check: ok (%d rows through F.expr, 1 through SQL; greedy text equal to the CLI's: %r)"
          % (len(rows), expected))
finally:
    spark.stop()
