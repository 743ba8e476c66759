"""The same grading run on a Dask cluster instead of local worker processes."""
from course import grading
from tests import small_class


def test_a_dask_cluster_grades_the_class(tmp_path):
    from distributed import LocalCluster

    submitted = small_class.write(tmp_path / "submitted")
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        summary = grading.grade(submitted, tmp_path / "out", dask_scheduler=cluster.scheduler_address, seed=3)
    small_class.assert_graded_as_known(summary["results"])
