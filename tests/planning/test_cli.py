from __future__ import annotations

import io
from pathlib import Path

from fabshare.planning.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_plan_fjsp_prints_makespan_bound_and_gap(fjsp_dir: Path) -> None:
    code, out, err = run("fjsp", str(fjsp_dir / "kacem1.fjs"), "--time-limit", "10",
                         "--workers", "2", "--seed", "3")
    assert (code, err) == (0, "")
    assert "makespan  11\n" in out
    assert "bound     11\n" in out
    assert "gap       0.00%\n" in out


def test_a_malformed_file_exits_non_zero_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.fjs"
    path.write_text("2 3 1\n1 1 1 5\n1 1 4 5\n")
    code, out, err = run("fjsp", str(path), "--time-limit", "1")
    assert code == 1
    assert out == ""
    assert err == (
        f"fabshare plan: {path}: line 3, column 5: machine number for operation 1 of job 2 "
        "must be at most 3, found 4\n"
    )


def test_a_missing_file_and_bad_options_exit_non_zero(tmp_path: Path) -> None:
    code, _, err = run("fjsp", str(tmp_path / "none.fjs"))
    assert code == 1
    assert "No such file or directory" in err
    code, _, err = run("fjsp", str(tmp_path / "none.fjs"), "--workers", "0")
    assert code == 1
    assert "workers must be a whole number >= 1" in err
    assert run("fjsp")[0] == 2
    assert run("fjsp", "x.fjs", "--time-limit", "soon")[0] == 2
