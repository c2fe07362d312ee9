"""One suite for both search backends: Whoosh and PostgreSQL (issue 4)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from catalogue.search.backend import SearchBackend, SearchQuery
from catalogue.search.errors import SearchQueryError
from catalogue.search.postgres_backend import PostgresBackend
from catalogue.search.whoosh_backend import WhooshBackend

pytest_plugins = ["pg_cluster"]


@pytest.fixture(params=["whoosh", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    if request.param == "whoosh":
        engine: SearchBackend = WhooshBackend(tmp_path / "index")
    else:
        engine = PostgresBackend(request.getfixturevalue("pg_url"))
        engine.clear()
    yield engine
    engine.close()


def package(name: str, title: str, day: int = 1, **extra: Any) -> dict[str, Any]:
    doc = {"id": "id-" + name, "name": name, "title": title, "notes": "", "tags": [],
           "organization": {"name": "so-tnmt", "title": "Sở Tài nguyên và Môi trường"},
           "groups": [], "resources": [], "state": "active", "private": False,
           "metadata_created": f"2024-01-{day:02d}T00:00:00",
           "metadata_modified": f"2024-01-{day:02d}T00:00:00"}
    doc.update(extra)
    return doc


def names(backend: SearchBackend, q: str = "", **kwargs: Any) -> list[str]:
    return [i.removeprefix("id-") for i in backend.search(SearchQuery(q=q, **kwargs)).ids]


def test_finds_title_with_diacritics(backend):
    backend.index_documents([package("duong-bo", "Mạng lưới đường bộ")])
    assert names(backend, "đường bộ") == ["duong-bo"]


def test_query_without_diacritics_folds_d_stroke(backend):
    backend.index_documents([package("duong-bo", "Mạng lưới đường bộ")])
    assert names(backend, "duong bo") == ["duong-bo"]


def test_typed_diacritics_match_those_diacritics_only(backend):
    """Issue 18: "lụa" is silk, not rice ("lúa"); typed without marks, both are found."""
    backend.index_documents([package("lua-gao", "Sản lượng lúa", day=9),
                             package("to-lua", "Hộ sản xuất tơ lụa", day=1)])
    assert names(backend, "lụa") == ["to-lua"]
    assert sorted(names(backend, "lua")) == ["lua-gao", "to-lua"]


def test_adjacent_syllables_outrank_scattered(backend):
    backend.index_documents([package("ban-do", "Bản đồ địa chính", day=1),
                             package("van-ban", "Văn bản về quản lý đô thị", day=5)])
    assert names(backend, "ban do")[0] == "ban-do"


def test_title_outranks_description(backend):
    backend.index_documents([package("a", "Danh mục", day=9, notes="Số liệu dân số"),
                             package("b", "Dân số trung bình", day=1)])
    assert names(backend, "dân số") == ["b", "a"]


def test_newer_dataset_wins_tie(backend):
    backend.index_documents([package("old", "Dân số", day=1), package("new", "Dân số", day=2)])
    assert names(backend, "dân số") == ["new", "old"]


def test_nfd_and_old_tone_query_matches(backend):
    backend.index_documents([package("thuy-van", "Trạm thủy văn")])
    assert names(backend, "THU\u0309Y VĂN".replace("U\u0309Y", "UY\u0309")) == ["thuy-van"]


def test_regulation_code_is_findable(backend):
    backend.index_documents([package("xa-thai", "Giấy phép xả thải",
                                     notes="Đạt QCVN 40:2011/BTNMT cột A")])
    assert names(backend, "QCVN 40") == ["xa-thai"]


def test_pm25_is_findable(backend):
    backend.index_documents([package("bui", "Quan trắc bụi PM2.5")])
    assert names(backend, "pm2.5") == ["bui"]


def test_english_title_is_stemmed(backend):
    backend.index_documents([package("gp", "Giấy phép", title_en="Groundwater permits")])
    assert names(backend, "permit") == ["gp"]


def test_quoted_phrase_requires_adjacent_syllables(backend):
    backend.index_documents([package("a", "Bản đồ rừng"), package("b", "Đồ chơi bản làng")])
    assert names(backend, '"bản đồ"') == ["a"]


def test_negated_word_excludes(backend):
    backend.index_documents([package("a", "Bản đồ rừng"), package("b", "Bản đồ đất")])
    assert names(backend, "bản đồ -rừng") == ["b"]


def test_private_dataset_hidden_by_default(backend):
    backend.index_documents([package("p", "Dân số", private=True)])
    assert names(backend, "dân số") == []


def test_private_dataset_shown_when_asked(backend):
    backend.index_documents([package("p", "Dân số", private=True)])
    assert names(backend, "dân số", include_private=True) == ["p"]


def test_draft_shown_only_when_asked(backend):
    backend.index_documents([package("d", "Dân số", state="draft")])
    assert (names(backend, "dân số"), names(backend, "dân số", include_drafts=True)) == ([], ["d"])


def test_deleted_never_returned(backend):
    backend.index_documents([package("x", "Dân số", state="deleted")])
    assert names(backend, "dân số", include_drafts=True, include_private=True) == []


def test_reindexing_replaces_document(backend):
    backend.index_documents([package("a", "Nông nghiệp")])
    backend.index_documents([package("a", "Khí tượng")])
    assert (names(backend, "nông nghiệp"), names(backend, "khí tượng")) == ([], ["a"])


def test_replaced_document_found_once_by_a_searcher_that_saw_the_old(backend):
    backend.index_documents([package("a", "Dân số")])
    names(backend, "dân số")
    backend.index_documents([package("a", "Dân số", notes="Bản mới")])
    assert names(backend, "dân số") == ["a"]


def test_repeated_search_sees_each_write(backend):
    backend.index_documents([package("a", "Dân số")])
    first = backend.search(SearchQuery(q="dân số", facet_fields=["tags"])).count
    backend.index_documents([package("b", "Dân số", tags=[{"name": "x"}])])
    again = backend.search(SearchQuery(q="dân số", facet_fields=["tags"]))
    backend.delete_documents(["id-a", "id-b"])
    assert (first, again.count, again.facets,
            backend.search(SearchQuery(q="dân số", facet_fields=["tags"])).count) == (
        1, 2, {"tags": {"x": 1}}, 0)


def test_broad_query_ranks_and_counts_as_a_full_ranking(backend):
    backend.index_documents(
        [package("dan-so-1", "Dân số trung bình", day=1),
         package("dan-so-2", "Dân số theo xã", day=2),
         package("lao-dong", "Lao động", day=3, tags=[{"name": "dân số"}])]
        + [package(f"gia-dat-{i}", f"Giá đất {i}", day=4 + i, notes="Số liệu năm nay")
           for i in range(9)])
    top = backend.search(SearchQuery(q="dân số", rows=2, facet_fields=["organization"]))
    everything = names(backend, "dân số", rows=20)
    # Issue 18: only datasets holding the word "dân số" count, not every "số".
    assert (top.ids, top.count, top.facets) == (
        ["id-dan-so-2", "id-dan-so-1"], 3, {"organization": {"so-tnmt": 3}})
    assert everything == ["dan-so-2", "dan-so-1", "lao-dong"]
    # With a word no dataset holds, those holding "dân số" are ranked and counted.
    loose = backend.search(SearchQuery(q="dân số xyzw", rows=2, facet_fields=["organization"]))
    assert (loose.ids, loose.count, loose.relaxed) == (["id-dan-so-2", "id-dan-so-1"], 3, True)


def test_broad_query_facets_leave_out_unmatched_and_hidden_rows(backend):
    backend.index_documents(
        [package(f"a{i}", f"Số liệu {i}", tags=[{"name": "x"}]) for i in range(5)]
        + [package("b", "Bản đồ", tags=[{"name": "x"}, {"name": "y"}]),
           package("c", "Số liệu riêng", tags=[{"name": "y"}], private=True),
           package("d", "Số liệu nháp", tags=[{"name": "y"}], state="draft")])
    found = backend.search(SearchQuery(q="liệu", facet_fields=["tags"]))
    narrowed = backend.search(SearchQuery(q="liệu -nháp", facet_fields=["tags"],
                                          include_drafts=True,
                                          fq="-name:a0"))
    assert (found.count, found.facets, narrowed.count, narrowed.facets) == (
        5, {"tags": {"x": 5}}, 4, {"tags": {"x": 4}})


def test_delete_documents_removes(backend):
    backend.index_documents([package("a", "Dân số"), package("b", "Dân số")])
    backend.delete_documents(["id-a"])
    assert names(backend, "dân số") == ["b"]


def test_clear_empties_index(backend):
    backend.index_documents([package("a", "Dân số")])
    backend.clear()
    assert backend.search(SearchQuery()).count == 0


def test_filters_or_within_and_across_keys(backend):
    backend.index_documents([
        package("a", "A", tags=[{"name": "x"}], license_id="cc-by"),
        package("b", "B", tags=[{"name": "y"}], license_id="cc-by"),
        package("c", "C", tags=[{"name": "x"}], license_id="odc"),
    ])
    assert sorted(names(backend, filters={"tags": ["x", "y"], "license_id": ["cc-by"]})) == [
        "a", "b"]


def test_fq_from_ckan_harvester(backend):
    backend.index_documents([package("old", "A", day=1), package("new", "B", day=20),
                             package("other", "C", day=20, organization={"name": "khac"})])
    fq = "metadata_modified:[2024-01-10T00:00:00Z TO *] +organization:so-tnmt"
    assert names(backend, fq=fq) == ["new"]


def test_broken_fq_raises_query_error(backend):
    with pytest.raises(SearchQueryError):
        backend.search(SearchQuery(fq="tags:(x"))


def test_year_filter_uses_temporal_coverage(backend):
    backend.index_documents([package("a", "A", temporal_start="2020-01-01",
                                     temporal_end="2022-12-31"), package("b", "B")])
    assert names(backend, filters={"year": ["2021"]}) == ["a"]


def test_facet_counts(backend):
    backend.index_documents([package("a", "A", tags=[{"name": "x"}, {"name": "y"}]),
                             package("b", "B", tags=[{"name": "x"}])])
    facets = backend.search(SearchQuery(facet_fields=["tags"])).facets
    assert facets == {"tags": {"x": 2, "y": 1}}


def test_sort_by_name(backend):
    backend.index_documents([package("b", "B", day=2), package("a", "A", day=1)])
    assert names(backend, sort="name asc") == ["a", "b"]


def test_empty_query_lists_newest_first(backend):
    backend.index_documents([package("a", "A", day=1), package("b", "B", day=2)])
    assert names(backend) == ["b", "a"]


def test_paging_with_rows_and_start(backend):
    backend.index_documents([package(f"d{i}", "Dân số", day=i) for i in range(1, 6)])
    result = backend.search(SearchQuery(q="dân số", rows=2, start=2))
    assert (result.count, result.ids) == (5, ["id-d3", "id-d2"])


def test_highlight_marks_matching_words(backend):
    backend.index_documents([package("a", "Bản đồ địa chính")])
    result = backend.search(SearchQuery(q="ban do", highlight=True))
    assert result.highlights["id-a"]["title"] == "<mark>Bản</mark> <mark>đồ</mark> địa chính"


def test_suggest_restores_diacritics_of_data(backend):
    backend.index_documents([package("mt", "Bảo vệ môi trường", tags=[{"name": "môi trường"}])])
    assert backend.suggest("moi truogn") == "môi trường"


def test_search_offers_suggestion_for_typo(backend):
    backend.index_documents([package("ks", "Mỏ khoáng sản", tags=[{"name": "khoáng sản"}])])
    assert backend.search(SearchQuery(q="khoang sna")).suggestion == "khoáng sản"


def test_autocomplete_matches_title_word_prefix(backend):
    backend.index_documents([package("a", "Bản đồ địa chính"), package("b", "Dân số")])
    assert backend.autocomplete("ban d") == [{"name": "a", "title": "Bản đồ địa chính"}]


def test_autocomplete_hides_private(backend):
    backend.index_documents([package("a", "Bản đồ", private=True)])
    assert backend.autocomplete("ban") == []


def test_quality_band_facet_counts_high_medium_low(backend):
    backend.index_documents([
        package("a", "A", quality_score=80), package("b", "B", quality_score=95),
        package("c", "C", quality_score=79), package("d", "D", quality_score=49)])
    facets = backend.search(SearchQuery(facet_fields=["quality_band"])).facets
    assert facets == {"quality_band": {"high": 2, "low": 1, "medium": 1}}


def test_fq_filters_on_quality_band(backend):
    backend.index_documents([package("a", "Dân số", quality_score=50),
                             package("b", "Dân số", quality_score=80),
                             package("c", "Dân số", quality_score=10)])
    assert (names(backend, "dân số", fq="quality_band:high"),
            names(backend, "dân số", fq="quality_band:medium"),
            names(backend, fq="-quality_band:low", sort="name asc")) == (["b"], ["a"], ["a", "b"])


def test_quality_breaks_ties_of_equal_relevance(backend):
    backend.index_documents([package("poor", "Dân số", day=9, quality_score=40),
                             package("good", "Dân số", day=1, quality_score=90)])
    assert names(backend, "dân số") == ["good", "poor"]


def test_quality_never_overrides_text_relevance(backend):
    backend.index_documents([
        package("a", "Danh mục", notes="Số liệu dân số", quality_score=100),
        package("b", "Dân số trung bình", quality_score=0)])
    assert names(backend, "dân số") == ["b", "a"]


def test_quality_breaks_ties_of_ckan_default_sort(backend):
    backend.index_documents([package("poor", "Dân số", day=9, quality_score=40),
                             package("good", "Dân số", day=1, quality_score=90)])
    assert names(backend, "dân số", sort="score desc, metadata_modified desc") == ["good", "poor"]


def test_sort_by_quality_score(backend):
    backend.index_documents([package("a", "A", quality_score=30),
                             package("b", "B", quality_score=70)])
    assert names(backend, sort="quality_score desc") == ["b", "a"]


def test_whoosh_survives_segment_merge(tmp_path):
    backend = WhooshBackend(tmp_path / "index")
    backend.index_documents([package("a", "Dân số")])
    backend.index_documents([package("b", "Dân số", day=2)])
    backend.optimize()
    assert names(backend, "dân số") == ["b", "a"]


def test_whoosh_sort_after_writes_matches_a_fresh_reader(tmp_path):
    # Each commit adds a segment; the sort columns of the earlier ones are reused.
    engine = WhooshBackend(tmp_path / "index")
    engine.index_documents([package(f"ds-{c}", f"Nước {c}") for c in "bdfh"])
    orders = [SearchQuery(q="", sort=sort, rows=100) for sort in (
        "name asc", "name desc", "title_string desc", "metadata_modified desc")]
    orders.append(SearchQuery(q="nước", rows=100))
    for sq in orders:
        engine.search(sq)
    for name in ["ds-a", "ds-c", "ds-z", "ds-d", "ds-e"]:  # ends, gaps, a replaced one
        engine.index_documents([package(name, f"Nước {name[-1]}", day=3)])
        fresh = WhooshBackend(tmp_path / "index")
        try:
            for sq in orders:
                assert engine.search(sq).ids == fresh.search(sq).ids, sq.sort
        finally:
            fresh.close()
    engine.close()
