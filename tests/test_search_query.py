"""CKAN-style fq and sort parsing (issue 4)."""

import pytest

from catalogue.search.errors import SearchQueryError
from catalogue.search.query import And, Match, Not, Or, Range, parse_fq, parse_sort


def test_fq_parses_ckan_harvester_filter():
    fq = "metadata_modified:[2020-01-01T00:00:00Z TO *] +organization:so-a -groups:b"
    assert parse_fq(fq) == And((Range("metadata_modified", "2020-01-01T00:00:00", None),
                                Match("organization", "so-a"), Not(Match("groups", "b"))))


def test_fq_parses_quoted_value():
    assert parse_fq('tags:"nước mặt"') == Match("tags", "nước mặt")


def test_fq_parses_or_and_parentheses():
    assert parse_fq("(tags:a OR tags:b) AND res_format:CSV") == And(
        (Or((Match("tags", "a"), Match("tags", "b"))), Match("res_format", "CSV")))


def test_fq_parses_value_list():
    assert parse_fq("organization:(a OR b)") == Or((Match("organization", "a"),
                                                    Match("organization", "b")))


def test_fq_rejects_unknown_field():
    with pytest.raises(SearchQueryError):
        parse_fq("colour:red")


def test_fq_rejects_unbalanced_quote():
    with pytest.raises(SearchQueryError):
        parse_fq('tags:"x')


def test_sort_relevance_breaks_ties_by_quality_then_newest():
    assert parse_sort("score desc") == [("score", True), ("quality_score", True),
                                        ("metadata_modified", True)]


def test_sort_keeps_quality_where_the_caller_put_it():
    assert parse_sort("score desc, quality_score asc") == [
        ("score", True), ("quality_score", False), ("metadata_modified", True)]


def test_fq_parses_quality_band():
    assert parse_fq("quality_band:high") == Match("quality_band", "high")


def test_sort_accepts_ckan_strings():
    assert parse_sort("title_string asc, name desc") == [("title_string", False), ("name", True)]


def test_sort_rejects_unknown_key():
    with pytest.raises(SearchQueryError):
        parse_sort("popularity desc")
