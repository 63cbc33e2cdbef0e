from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fabshare.planning.fjsp import (
    FjspData,
    FjspFormatError,
    format_fjsp,
    from_instance,
    parse_fjsp,
    read_fjsp,
    to_instance,
    write_fjsp,
)
from fabshare.planning.model import Instance, PlanningInputError, Resource, Window


def test_reads_kacem1(fjsp_dir: Path) -> None:
    instance = read_fjsp(fjsp_dir / "kacem1.fjs")
    assert instance.name == "kacem1"
    assert [r.id for r in instance.resources] == ["M1", "M2", "M3", "M4", "M5"]
    assert [len(job.steps) for job in instance.jobs] == [3, 3, 4, 2]
    first = instance.jobs[0].steps[0]
    assert [(o.resource, o.duration) for o in first.options] == [
        ("M1", 2), ("M2", 5), ("M3", 4), ("M4", 1), ("M5", 2)
    ]


def test_reads_every_shared_instance_with_its_declared_size(fjsp_dir: Path) -> None:
    with open(fjsp_dir / "bounds.csv", newline="") as handle:
        names = [row["instance"] for row in csv.DictReader(handle)]
    assert len(names) == 14
    for name in names:
        text = (fjsp_dir / f"{name}.fjs").read_text()
        data = parse_fjsp(text)
        jobs, machines = (int(t) for t in text.split()[:2])
        assert (len(data.jobs), data.machines) == (jobs, machines)
        # Writing and reading again gives the same instance.
        assert parse_fjsp(format_fjsp(data)) == data


MALFORMED = [
    ("", 1, 1, "expected the header 'jobs machines [average]', found no text"),
    ("x 5 2\n", 1, 1, "expected number of jobs (a whole number), found 'x'"),
    ("0 5\n", 1, 1, "number of jobs must be at least 1, found 0"),
    ("2\n", 1, 2, "expected number of machines, found end of line"),
    ("1 2 abc\n", 1, 5, "expected average number of machines per operation (a number)"),
    ("1 2 1.5.3\n", 1, 5, "found '1.5.3'"),
    ("1 2 1 9\n1 1 1 3\n", 1, 7, "unexpected '9' after the header"),
    ("2 5\n1 1 1 3\n", 3, 1, "expected job 2 of 2, found end of file"),
    ("1 2 1\n0\n", 2, 1, "number of operations of job 1 must be at least 1, found 0"),
    ("1 2 1\n1 0\n", 2, 3, "number of machines for operation 1 of job 1 must be at least 1"),
    ("1 2 1\n1 3 1 1 2 2 1 3\n", 2, 3,
     "number of machines for operation 1 of job 1 must be at most 2, found 3"),
    ("1 2 1\n1 1 3 5\n", 2, 5, "machine number for operation 1 of job 1 must be at most 2"),
    ("1 2 1\n1 1 1 0\n", 2, 7, "duration of operation 1 of job 1 on machine 1 must be at least 1"),
    ("1 2 1\n1 1 1 -4\n", 2, 7, "must be at least 1, found -4"),
    ("1 2 1\n1 1 1 2.5\n", 2, 7, "(a whole number), found '2.5'"),
    ("1 2 1\n1 2 1 3 1 4\n", 2, 9, "machine 1 is listed twice for operation 1 of job 1"),
    ("1 2 1\n2 1 1 3\n", 2, 8,
     "expected number of machines for operation 2 of job 1, found end of line"),
    ("1 2 1\n1 1 1\n", 2, 6, "expected duration of operation 1 of job 1 on machine 1"),
    ("1 2 1\n1 1 1 3 7\n", 2, 9, "unexpected '7' after the last operation of job 1"),
    ("1 2 1\n1 1 1 3\n1 1 1 3\n", 3, 1, "unexpected text after the last job"),
    ("1\t2\n1\t1\t1\tx\n", 2, 7, "found 'x'"),
    ("\n1 2\n\n1 1 9 3\n", 4, 5, "machine number for operation 1 of job 1 must be at most 2"),
]


@pytest.mark.parametrize(("text", "line", "column", "problem"), MALFORMED)
def test_malformed_files_name_line_and_column(text: str, line: int, column: int,
                                              problem: str) -> None:
    with pytest.raises(FjspFormatError) as raised:
        parse_fjsp(text)
    error = raised.value
    assert (error.line, error.column) == (line, column)
    assert problem in error.problem
    assert str(error).startswith(f"line {line}, column {column}: ")


def test_blank_lines_tabs_windows_newlines_and_a_fractional_average_are_accepted() -> None:
    data = parse_fjsp("\ufeff\n2\t3   1.15\r\n\r\n1  2  1 4  3 5\r\n2 1 2 6 1 3 7\r\n\n")
    assert data == FjspData(3, (((( 1, 4), (3, 5)),), (((2, 6),), ((3, 7),))), 1.15)


def test_header_without_average_is_accepted_and_written_back_with_it() -> None:
    data = parse_fjsp("1 2\n1 2 1 4 2 6\n")
    assert data.average is None
    assert format_fjsp(data) == "1 2 2\n1 2 1 4 2 6\n"


def test_a_file_that_is_not_utf8_is_reported_where_it_breaks(tmp_path: Path) -> None:
    path = tmp_path / "broken.fjs"
    path.write_bytes(b"1 2 1\n1 1 1 \xff\n")
    with pytest.raises(FjspFormatError, match=r"^line 2, column 7: the file is not UTF-8 text"):
        read_fjsp(path)


def test_write_and_read_a_file(tmp_path: Path) -> None:
    instance = to_instance(FjspData(2, ((((1, 3), (2, 4)), ((2, 1),)),)), name="tiny")
    write_fjsp(instance, tmp_path / "tiny.fjs")
    again = read_fjsp(tmp_path / "tiny.fjs")
    assert again.jobs == instance.jobs
    assert again.resources == instance.resources


def test_only_plain_flexible_job_shops_can_be_written() -> None:
    instance = Instance(jobs=(), resources=(Resource("m1", windows=(Window(0, 5),)),))
    with pytest.raises(PlanningInputError, match="windows and fixed bookings cannot be written"):
        from_instance(instance)


@st.composite
def fjsp_data(draw: st.DrawFn) -> FjspData:
    machines = draw(st.integers(1, 8))
    operation = st.lists(
        st.tuples(st.integers(1, machines), st.integers(1, 9999)),
        min_size=1,
        max_size=machines,
        unique_by=lambda pair: pair[0],
    ).map(tuple)
    jobs = draw(st.lists(st.lists(operation, min_size=1, max_size=6).map(tuple),
                         min_size=1, max_size=6).map(tuple))
    average = draw(
        st.none()
        | st.integers(0, 99).map(float)
        | st.floats(0, 100, allow_nan=False, allow_infinity=False)
    )
    return FjspData(machines, jobs, average)


@given(fjsp_data())
def test_format_then_parse_gives_the_same_data(data: FjspData) -> None:
    again = parse_fjsp(format_fjsp(data))
    if data.average is None:
        assert again.average == pytest.approx(data.average_machines_per_operation())
        assert (again.machines, again.jobs) == (data.machines, data.jobs)
    else:
        assert again == data


@given(fjsp_data(), st.lists(st.sampled_from([" ", "  ", "\t", " \t "]), min_size=1),
       st.booleans())
def test_separators_and_blank_lines_do_not_change_the_meaning(
    data: FjspData, separators: list[str], blank_lines: bool
) -> None:
    lines = []
    for number, line in enumerate(format_fjsp(data).splitlines()):
        tokens = line.split()
        spaced = tokens[0] + "".join(
            separators[(number + i) % len(separators)] + token
            for i, token in enumerate(tokens[1:])
        )
        lines.append(spaced)
        if blank_lines:
            lines.append("   ")
    assert parse_fjsp("\n".join(lines)) == parse_fjsp(format_fjsp(data))


@given(fjsp_data())
@settings(deadline=None)  # building a large instance can exceed 200 ms on a loaded machine
def test_the_instance_keeps_machines_durations_and_order(data: FjspData) -> None:
    instance = to_instance(data)
    assert len(instance.resources) == data.machines
    assert from_instance(instance).jobs == data.jobs


@given(st.text(alphabet=st.sampled_from("0123456789 -.\t\nx"), max_size=60))
def test_arbitrary_text_either_parses_or_fails_with_a_position(text: str) -> None:
    try:
        parse_fjsp(text)
    except FjspFormatError as error:
        assert error.line >= 1
        assert error.column >= 1
