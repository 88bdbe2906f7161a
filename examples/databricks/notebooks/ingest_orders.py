# Databricks notebook source
# Northwind example: land the web shop's order export in the tier's bronze schema.
# The job passes `catalog` and `schema`; the tier's service principal runs it.

# COMMAND ----------

dbutils.widgets.text("catalog", "")  # noqa: F821 - provided by the Databricks runtime
dbutils.widgets.text("schema", "bronze")  # noqa: F821
dbutils.widgets.text("source_path", "")  # noqa: F821
catalog = dbutils.widgets.get("catalog")  # noqa: F821
schema = dbutils.widgets.get("schema")  # noqa: F821
source_path = dbutils.widgets.get("source_path")  # noqa: F821

# COMMAND ----------

orders = spark.read.format("json").load(source_path)  # noqa: F821
orders.write.mode("append").saveAsTable(f"{catalog}.{schema}.shop_orders")
