"""Screening on Apache Spark: a DataFrame of counterparties in, a DataFrame of results out.

    from pyspark.sql import SparkSession
    from clearance.settings import Settings
    import clearance.spark

    spark = SparkSession.builder.master("local[2]").getOrCreate()
    people = spark.read.parquet("customers.parquet")
    snapshot = clearance.spark.Snapshot.open(Settings.from_env())
    results = clearance.spark.screen(people, snapshot, threshold=0.8)
    results.write.parquet("screened.parquet")

The result has one row per input row: ``row``, ``reference``, ``name``, ``matches`` (a JSON
array, each match exactly as in ``clearance screen``'s JSON lines), ``warnings`` and
``error``. The persisted name index and ownership graph of the store's state (a
:class:`Snapshot`) travel to the executors once per job as files, and each partition is
screened by the batch engine of ``clearance screen`` (:mod:`clearance.screen_batch`), so a
row gets the same result on Spark as on one machine. Needs the ``spark`` extra
(``pip install 'clearance[spark]'``) on the driver and the executors.
"""

from clearance.spark.job import number_rows, screen, ship
from clearance.spark.partition import OUTPUT_DDL, from_record
from clearance.spark.snapshot import Snapshot, SnapshotError

__all__ = [
    "OUTPUT_DDL",
    "Snapshot",
    "SnapshotError",
    "from_record",
    "number_rows",
    "screen",
    "ship",
]
