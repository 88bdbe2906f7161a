"""Northwind example: compact the gold tables after the nightly build (a Spark Python task).

The job runs it from Git; Tierform passes `--catalog <the tier's catalog>` first, then the
task's own parameters (`--schema gold`).
"""

import argparse

from pyspark.sql import SparkSession

parser = argparse.ArgumentParser()
parser.add_argument("--catalog", required=True)
parser.add_argument("--schema", required=True)
args = parser.parse_args()

spark = SparkSession.builder.getOrCreate()
for row in spark.sql(f"SHOW TABLES IN {args.catalog}.{args.schema}").collect():
    spark.sql(f"OPTIMIZE {args.catalog}.{args.schema}.{row.tableName}")
