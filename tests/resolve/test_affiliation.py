"""How an affiliation string is cut into the names that are searched."""

from __future__ import annotations

from trgraph.model import Entity, EntityKind, Provenance
from trgraph.resolve.affiliation import (
    EMBEDDED_SCORE,
    affiliation_queries,
    affiliations,
    embedded_names,
    match_affiliation,
)
from trgraph.resolve.index import CandidateIndex
from trgraph.resolve.normalise import tokenize


def searched(text: str) -> list[str]:
    return [name for q in affiliation_queries(text) for name in q.names]


def test_footnote_numbers_end_a_part_and_the_country_becomes_a_hint() -> None:
    queries = affiliation_queries("University of Oxford 1 Nuffield Department of Medicine, , Oxford, UK")
    names = [n for q in queries for n in q.names]
    assert "University of Oxford" in names and all(q.country == "GB" for q in queries)
    assert "Oxford" not in names  # the city before the country is not searched alone


def test_a_small_number_after_a_part_is_also_searched_with_it() -> None:
    # Inside a name too: the two pieces around it are searched rejoined as written.
    assert "Access 2 Perspectives" in searched("Access 2 Perspectives")
    names = searched("Université Claude Bernard Lyon 1, CNRS")
    assert "Université Claude Bernard Lyon" in names and "Université Claude Bernard Lyon 1" in names
    assert "Université Paris 1" in searched("Université Paris 1 Panthéon-Sorbonne")
    assert not any(n.endswith("2018") for n in searched("University of Oxford 2018 Nuffield Department"))


def test_departments_are_searched_only_in_pairs_or_when_nothing_else_is_left() -> None:
    names = searched("Department of Microbiology, Harvard Medical School")
    assert "Department of Microbiology" not in names and "Harvard Medical School" in names
    assert searched("Department of Microbiology") == ["Department of Microbiology"]


def test_a_part_ending_in_a_unit_word_is_a_unit() -> None:
    names = searched("Molecular Biology Program, Sloan Kettering Institute")
    assert "Molecular Biology Program" not in names and "Sloan Kettering Institute" in names
    assert "Systems Ecology Group" not in searched("Systems Ecology Group, University of Luxembourg")
    # Registries name bodies "Unit": the MRC's units are organisations of their own.
    assert "MRC Human Genetics Unit" in searched("MRC Human Genetics Unit, University of Edinburgh")
    # A university is no unit for its last word: "The University of Texas Medical Branch at Galveston".
    names = searched("Institute of Human Infections and Immunity, University of Texas Medical Branch")
    assert "University of Texas Medical Branch" in names


def test_a_campus_after_a_comma_is_still_searched_with_its_university() -> None:
    names = searched("University of California, Los Angeles, CA, USA")
    assert "University of California, Los Angeles" in names and "CA" not in " ".join(names).split(", ")


def test_a_school_named_after_its_university_is_cut_off() -> None:
    names = searched("Department of Neuroscience, Johns Hopkins University School of Medicine")
    assert "Johns Hopkins University" in names and "Johns Hopkins University School of Medicine" in names
    assert "School of Medicine" not in names  # a unit, searched only with its university
    assert "Nanjing University" in searched("Medical School of Nanjing University")
    # A hospital affiliated to a university is that university's ("The First Affiliated Hospital of
    # Zhengzhou University"), and the university's own medical school is cut off in turn.
    names = searched("Department of Obstetrics, The First Affiliated Hospital of Zhengzhou University")
    assert "Zhengzhou University" in names and "The First Affiliated Hospital" not in names
    names = searched("Nanjing Drum Tower Hospital, The Affiliated Hospital of Nanjing University Medical School")
    assert "Nanjing University" in names and "Nanjing University Medical School" in names
    # A university's town before its school goes with the university.
    cities = frozenset({tuple(tokenize("Los Angeles")), ("london",)})
    queries = affiliation_queries("Division of Oral Health, University of California, Los Angeles School of Dentistry",
                                  cities=cities)
    assert ["University of California, Los Angeles"] in [q.names for q in queries]
    queries = affiliation_queries("University of London, London School of Economics", cities=cities)
    assert ["University of London, London"] not in [q.names for q in queries]
    names = searched("Department of Neurology, Perelman School of Medicine at the University of Pennsylvania")
    assert "the University of Pennsylvania" in names
    # The name before the school is the organisation itself when it is no university.
    assert "Baylor" not in searched("Department of Pediatrics, Baylor College of Medicine")
    # An acronym is a university by name: "NYU School of Medicine", "… School of Medicine at UCLA".
    assert "NYU" in searched("Department of Pathology, NYU School of Medicine")
    assert "UCLA" in searched("Department of Medicine, David Geffen School of Medicine at UCLA")
    # After a school, institute or centre, " at " names its host, whatever it is called.
    assert "Dartmouth" in searched("Department of Microbiology, Geisel School of Medicine at Dartmouth")


def test_dashes_and_slashes_separate_bodies_of_two_words_or_more() -> None:
    names = searched("Neuroscience Center Zurich, University of Zurich/ETH Zurich")
    assert "University of Zurich" in names and "ETH Zurich" in names
    assert "Brain" not in searched("Center for Mind/Brain Sciences, University of Trento")
    assert "Aix" not in " ".join(searched("Aix-Marseille Université, CNRS")).split()
    # A hyphen after "University" joins two bodies; the university is searched by itself.
    assert "Hebrew University" in searched("Hebrew University-Hadassah School of Medicine")
    assert "Humboldt-Universität zu Berlin" in searched("Charité, Humboldt-Universität zu Berlin")
    # So does "and" between two names that each say their kind; the pair is searched rejoined.
    names = searched("Department of Genetics, University of Groningen and University Medical Center Groningen")
    assert "University of Groningen" in names and "University Medical Center Groningen" in names
    assert "University of Groningen and University Medical Center Groningen" in names
    assert "Institute of Science" not in searched("Institute of Science and Technology Austria")
    # A name before "and" that ends as names do (a kind, a place) is cut from the one after.
    names = searched("School of Public Health, National University of Singapore and National University Health System")
    assert "National University of Singapore" in names and "National University Health System" in names
    names = searched("Hubrecht Institute, Royal Netherlands Academy of Arts and Sciences and University Medical Center")
    assert "Royal Netherlands Academy of Arts and Sciences" in names and "Sciences" not in names


def test_quoted_names_are_searched_and_member_of_parts_only_when_nothing_else_is_named() -> None:
    names = searched("FSBEI of HE «Pushkin State Russian Language Institute»")
    assert "Pushkin State Russian Language Institute" in names
    names = searched("Charité – Universitätsmedizin Berlin, corporate member of Freie Universität Berlin")
    assert "Freie Universität" not in " ".join(names)
    # What it is a member of may be a list, which ends at "and".
    names = searched("Charité, corporate member of Freie Universität Berlin, Humboldt-Universität zu Berlin, "
                     "and Berlin Institute of Health, Department of Neurology")
    assert names == ["Charité"]
    assert searched("Member of the German Center for Lung Research") == ["German Center for Lung Research"]
    names = searched("Charité, corporate member of Freie Universität Berlin and Humboldt-Universität zu Berlin")
    assert names == ["Charité"]
    # A ministry accrediting a key laboratory is what the laboratory is a member of; a university in
    # brackets is a name of its own.
    names = searched("Key Laboratory of Cardiovascular Sciences (Peking University), Ministry of Education")
    assert "Peking University" in names and "Ministry of Education" not in names
    assert "Ministry of Education" in searched("Department of Planning, Ministry of Education")


def test_a_french_unit_code_is_no_name() -> None:
    assert searched("CNRS UMR 3569") == ["CNRS"]
    assert searched("Inserm UMR-S 1270, Université de Paris") == ["Inserm", "Université de Paris",
                                                                  "Inserm, Université de Paris"]
    assert "Inserm" in searched("Institut Cochin, Inserm U1016")
    assert "LGDP" in searched("LGDP-UMR5096")


def test_a_part_is_also_searched_without_the_bracket_it_ends_in_but_must_then_match_whole() -> None:
    names = searched("Kavli Institute, Norwegian University of Science and Technology (NTNU)")
    assert "Norwegian University of Science and Technology" in names
    index = CandidateIndex([
        ror("n1", "Norwegian University of Science and Technology", "education", country="NO"),
        ror("m1", "Institute of Molecular Biology", "facility", country="DE"),
        ror("m2", "ZMBH Alumni", "other", country="DE"),
        *[ror(f"x{i}", f"University of {c}", "education") for i, c in enumerate(["Lyon", "Nantes", "Rennes"])],
    ])
    hit = match_affiliation(index, "Kavli Institute, Norwegian University of Science and Technology (NTNU)")
    assert hit is not None and hit.entity.id == "ror:n1" and hit.score == 1.0
    # "Center for Molecular Biology" scores 0.86 against the Institute, but without its bracket it
    # must match whole: the score stands on the name as written, "(ZMBH)" and all.
    hit = match_affiliation(index, "Center for Molecular Biology (ZMBH)")
    assert hit is not None and hit.entity.id == "ror:m1" and hit.score < 0.8


def test_a_name_a_part_begins_with_and_runs_on_from_is_found_inside_it() -> None:
    index = CandidateIndex([
        ror("i1", "University of Iowa", "education", "funder", country="US"),
        ror("d1", "Dalian University", "education", country="CN"),
        ror("l1", "Louisiana State University", "education", "funder", country="US"),
        Entity("ror:l2", EntityKind.ORGANISATION, "Louisiana State University Health Sciences Center New Orleans",
               Provenance("ror", "l2", "test"), country="US", attrs={"types": ["education"], "city": "New Orleans"}),
        *[ror(f"x{i}", f"University of {c}", "education") for i, c in enumerate(["Lyon", "Nantes", "Rennes"])],
    ], part_of=[("ror:x0", "ror:l1"), ("ror:x1", "ror:l1")])  # the system has more parts than its centre
    hit = match_affiliation(index, "University of Iowa Craniofacial Anomalies Research Center")
    assert hit is not None and hit.entity.id == "ror:i1" and hit.score == EMBEDDED_SCORE
    # Not when the next word carries the name on: a discipline, a qualifier, "of".
    assert match_affiliation(index, "School of Bioengineering, Dalian University of Technology", min_score=0.7) is None
    # A name the whole part matches wins over one it begins with, though both score alike.
    hit = match_affiliation(index, "Department of Physiology, Louisiana State University Health Sciences Center")
    assert hit is not None and hit.entity.id == "ror:l2"


def test_a_full_stop_after_a_word_separates_parts() -> None:
    assert "University of Washington" in searched("Institute for Protein Design. University of Washington")
    assert searched("Univ. of Washington") == ["Univ. of Washington"]
    assert searched("Onderz. Form. I.") == ["Onderz. Form. I."]


def test_a_middle_dot_separates_parts_and_a_slash_cuts_off_an_acronym() -> None:
    assert "Observatoire de Paris" in searched("Observatoire de Paris · Laboratory for Space Studies")
    assert "Universitat de Barcelona" in searched("ICREA/Universitat de Barcelona")
    assert "Universitat de Barcelona" not in searched("Mind/Universitat de Barcelona")


def test_a_campus_at_a_place_is_searched_whole() -> None:
    names = searched("Department of Biology, University of North Carolina at Chapel Hill")
    assert "University of North Carolina at Chapel Hill" in names and "Chapel Hill" not in names


def ror(key: str, name: str, *types: str, country: str = "FR") -> Entity:
    return Entity(f"ror:{key}", EntityKind.ORGANISATION, name, Provenance("ror", key, "test"), country=country,
                  attrs={"types": list(types)})


PLACES = [
    ror("u1", "Université de Montpellier", "education", "funder"),
    ror("f1", "Institut de Génomique Fonctionnelle", "facility"),
    ror("p1", "Institut Pasteur", "nonprofit", "funder"),
    ror("p2", "Instituto Pasteur", "nonprofit", "funder", country="BR"),
    *[ror(f"x{i}", f"Université de {c}", "education") for i, c in enumerate(["Lyon", "Nantes", "Rennes", "Lille"])],
]


def test_an_institution_in_its_own_right_wins_over_a_facility_named_alike() -> None:
    index = CandidateIndex(PLACES)
    hit = match_affiliation(index, "Institut de Génomique Fonctionnelle, Université de Montpellier")
    assert hit is not None and hit.entity.id == "ror:u1"
    hit = match_affiliation(index, "Université de Montpellier, Institut de Génomique Fonctionnelle")
    assert hit is not None and hit.entity.id == "ror:u1" and hit.features["institution_standing"] == 2.0


def test_a_facility_named_before_an_institution_abroad_is_a_namesake() -> None:
    index = CandidateIndex([
        ror("v1", "Institute of Virology", "facility", country="SK"),
        ror("ul", "Ulm University", "education", country="DE"),
        *[ror(f"m{i}", f"{c} University Medical Center", "healthcare", country="NL")
          for i, c in enumerate(["Utrecht", "Leiden"])],
    ])
    hit = match_affiliation(index, "Institute of Virology, Ulm University Medical Center")
    assert hit is not None and hit.entity.id == "ror:ul"
    # Before no institution abroad, the facility stays the answer it was.
    hit = match_affiliation(index, "Institute of Virology, Slovak Academy of Sciences")
    assert hit is not None and hit.entity.id == "ror:v1"


def test_a_facility_named_before_a_university_the_registry_does_not_know_is_that_university_s() -> None:
    index = CandidateIndex([
        ror("b1", "Institute of Biochemistry", "facility", country="DE"),
        ror("o1", "University of Oxford", "education", "funder", country="GB"),
    ])
    assert match_affiliation(index, "Institute of Biochemistry, Universidad de Nowhere", min_score=0.7) is None
    # Before no university, or before a university's hospital, it is still what the string names.
    for text in ("Institute of Biochemistry, Berlin", "Institute of Biochemistry, University Hospital Nowhere"):
        hit = match_affiliation(index, text)
        assert hit is not None and hit.entity.id == "ror:b1", text


def among_universities(*entities: Entity) -> CandidateIndex:
    """An index of ``entities`` and a few universities, so that their words weigh as in a registry."""
    filler = [ror(f"x{i}", f"Université de {c}", "education") for i, c in enumerate(["Lyon", "Rennes", "Lille"])]
    return CandidateIndex([*entities, *filler])


def org(key: str, name: str, *aliases: str, country: str, **attrs: object) -> Entity:
    return Entity(f"ror:{key}", EntityKind.ORGANISATION, name, Provenance("ror", key, "test"), names=aliases,
                  country=country, attrs={"types": ["education"], **attrs})


def test_among_names_alike_the_one_spelt_as_written_wins() -> None:
    hit = match_affiliation(CandidateIndex(PLACES), "Department of Cell Biology, Institut Pasteur")
    assert hit is not None and hit.entity.id == "ror:p1"
    hit = match_affiliation(CandidateIndex(PLACES), "Department of Cell Biology, Instituto Pasteur")
    assert hit is not None and hit.entity.id == "ror:p2"
    # Before a body's standing: "Center for Open Science" is not a university's "Open Science Center",
    # though the words are the same.
    index = among_universities(ror("c1", "Center for Open Science", "nonprofit", country="US"),
                               org("c2", "LMU Open Science Center", "Open Science Center", country="DE"))
    hit = match_affiliation(index, "Center For Open Science")
    assert hit is not None and hit.entity.id == "ror:c1"
    # A leading article is no spelling of its own: the Open University's name, not another's alias.
    index = among_universities(org("o1", "The Open University", country="GB"),
                               org("o2", "Universidade Aberta", "Open University", country="PT"))
    hit = match_affiliation(index, "Open University")
    assert hit is not None and hit.entity.id == "ror:o1"


def test_a_record_still_in_use_wins_over_one_that_is_not() -> None:
    index = among_universities(org("n0", "Université de Nantes", country="FR", status="inactive"),
                               org("n1", "Nantes Université", "Université de Nantes", country="FR", status="active"))
    hit = match_affiliation(index, "Laboratoire de Chimie, Université de Nantes")
    assert hit is not None and hit.entity.id == "ror:n1"


def test_a_name_inside_a_part_without_a_separator_is_found_at_its_head_or_tail() -> None:
    assert embedded_names("Columbia University Irving Medical Center") == ("Columbia University", None)
    assert embedded_names("Brown University Warren Alpert Medical School") == ("Brown University", None)
    assert embedded_names("Faculté de droit OMIJ Université de Limoges") == (None, "Université de Limoges")
    assert embedded_names("Centre Technologique (CISTEME) Université de Limoges") == (None, "Université de Limoges")
    assert embedded_names("Maître de conférences en droit privé Université de Limoges")[1] == "Université de Limoges"
    assert embedded_names("Helsinki University Hospital and University of Helsinki")[1] == "University of Helsinki"
    # The name carries on ("of …"), or no word but kind words comes before it: nothing inside.
    assert embedded_names("Nanjing University of Aeronautics and Astronautics") == (None, None)
    assert embedded_names("University College London") == (None, None)
    assert embedded_names("Harbin Institute of Technology") == (None, None)


def test_a_head_followed_by_its_town_alone_is_not_searched() -> None:
    def names(text: str, cities: frozenset[tuple[str, ...]]) -> list[str]:
        return [n for q in affiliation_queries(text, cities=cities) for n in q.names]

    assert "Trinity College" in names("School of Genetics, Trinity College Dublin", frozenset())
    # "Trinity College Dublin" is not any Trinity College, the one in Hartford say.
    assert "Trinity College" not in names("School of Genetics, Trinity College Dublin", frozenset({("dublin",)}))
    assert "Columbia University" in names("Columbia University Irving Medical Center", frozenset({("irving",)}))


EMBEDDED = [
    ror("c1", "Columbia University", "education", country="US"),
    ror("l1", "Université de Limoges", "education"),
    Entity("ror:m1", EntityKind.ORGANISATION, "Moscow Aviation Institute", Provenance("ror", "m1", "test"),
           names=["National Research University"], country="RU", attrs={"types": ["education"]}),
    ror("s1", "State of California", "government", country="US"),
]


def test_a_name_inside_a_part_is_proposed_for_review_when_nothing_names_the_whole_part() -> None:
    index = CandidateIndex(EMBEDDED)
    hit = match_affiliation(index, "Department of Biostatistics, Columbia University Irving Medical Center")
    assert hit is not None and hit.entity.id == "ror:c1" and hit.method == "embedded_name"
    assert 0.7 <= hit.score <= EMBEDDED_SCORE < 0.9  # for review, never linked unseen
    hit = match_affiliation(index, "Laboratoire HAVAE Université de Limoges Cabinet ARISE-UP Limoges, France")
    assert hit is not None and hit.entity.id == "ror:l1" and "embedded_name" in hit.features
    # The medical centre itself, when registered, is what the part names.
    centre = ror("c2", "Columbia University Irving Medical Center", "healthcare", country="US")
    hit = match_affiliation(CandidateIndex([*EMBEDDED, centre]), "Columbia University Irving Medical Center")
    assert hit is not None and hit.entity.id == "ror:c2" and "embedded_name" not in hit.features


def test_a_name_inside_a_part_must_match_whole_and_share_a_rare_word() -> None:
    index = CandidateIndex(EMBEDDED)
    # "National Research University" is all organisation words, whoever bears it as an alias.
    assert match_affiliation(index, "National Research University Higher School of Economics", min_score=0.7) is None
    # "California State University" is not the State of California, however many words they share.
    assert match_affiliation(index, "California State University Long Beach", min_score=0.7) is None


CAMPUSES = [
    ror("sf", "University of California, San Francisco", "education", country="US"),
    ror("uc", "University of California System", "education", country="US"),
    Entity("ror:usf", EntityKind.ORGANISATION, "University of San Francisco", Provenance("ror", "usf", "test"),
           country="US", attrs={"types": ["education"], "city": "San Francisco"}),
]


def test_a_unit_running_into_its_institution_without_a_comma_is_searched_with_the_part_after_it() -> None:
    text = "Departments of Physiology and Psychiatry University of California, San Francisco"
    assert embedded_names(text.split(",")[0], unit=True)[1] == "University of California"
    assert embedded_names(text.split(",")[0])[1] is None  # a capitalised word ends no name outside a unit
    hit = match_affiliation(CandidateIndex([*CAMPUSES, *PLACES, *EMBEDDED]), text)
    # The campus, for review: the bare city that ends the string names no university.
    assert hit is not None and hit.entity.id == "ror:sf" and hit.method == "embedded_name"


def test_a_registry_city_ending_the_string_is_not_searched_alone() -> None:
    cities = CandidateIndex(CAMPUSES).cities
    assert "San Francisco" not in [n for q in affiliation_queries("Gladstone Institutes, San Francisco", cities=cities)
                                   for n in q.names]
    assert "San Francisco" in searched("Gladstone Institutes, San Francisco")  # no registry says it is a city


SCHOOLS = [
    Entity("ror:h1", EntityKind.ORGANISATION, "Harvard University", Provenance("ror", "h1", "test"), country="US",
           attrs={"types": ["education", "funder"], "city": "Cambridge"}),
    Entity("ror:l2", EntityKind.ORGANISATION, "Leibniz University Hannover", Provenance("ror", "l2", "test"),
           names=["Universität Hannover"], country="DE", attrs={"types": ["education"], "city": "Hanover"}),
    Entity("ror:j1", EntityKind.ORGANISATION, "Jacobs", Provenance("ror", "j1", "test"), country="US",
           attrs={"types": ["company"], "city": "Dallas"}),
    *PLACES,
]


def test_a_school_named_after_its_university_without_saying_so_is_proposed_for_review() -> None:
    index = CandidateIndex(SCHOOLS)
    hit = match_affiliation(index, "Department of Neurobiology, Harvard Medical School")
    assert hit is not None and hit.entity.id == "ror:h1" and hit.method == "embedded_name"
    assert 0.7 <= hit.score <= EMBEDDED_SCORE
    # A donor's name, which initials mark, is not the university's.
    for text in ("Department of Nutrition, Harvard T.H. Chan School of Public Health",
                 "Harvard TH Chan School of Public Health", "Harvard T H Chan School of Public Health"):
        hit = match_affiliation(index, text)
        assert hit is not None and hit.entity.id == "ror:h1" and 0.7 <= hit.score <= EMBEDDED_SCORE, text
    # Registered in its own right, the school is what the string names.
    school = Entity("ror:h2", EntityKind.ORGANISATION, "Harvard Medical School", Provenance("ror", "h2", "test"),
                    country="US", attrs={"types": ["education"], "city": "Boston"})
    hit = match_affiliation(CandidateIndex([*SCHOOLS, school]), "Harvard Medical School")
    assert hit is not None and hit.entity.id == "ror:h2" and "embedded_name" not in hit.features
    # A school named after its town is no school of the town's university; a company is no university.
    assert match_affiliation(index, "Institute of Virology, Hannover Medical School", min_score=0.7) is None
    assert match_affiliation(index, "Jacobs School of Medicine and Biomedical Sciences", min_score=0.7) is None
    # A college may be a body of its own ("Baylor College of Medicine"): no stem is searched.
    assert "Harvard" not in searched("Harvard College of Medicine")


def test_a_medical_college_is_a_medical_body_s_not_its_namesake_university_s() -> None:
    weill = Entity("ror:w", EntityKind.ORGANISATION, "Weill Cornell Medicine", Provenance("ror", "w", "test"),
                   country="US", attrs={"types": ["education", "funder"], "city": "New York"})
    tongji = Entity("ror:t", EntityKind.ORGANISATION, "Tongji University", Provenance("ror", "t", "test"),
                    country="CN", attrs={"types": ["education"], "city": "Shanghai"})
    index = among_universities(weill, tongji, *PLACES)
    # Found by the college's stem, for review (how high depends on how common "Medicine" is).
    hit = match_affiliation(index, "Department of Medicine, Weill Cornell Medical College")
    assert hit is not None and hit.entity.id == "ror:w" and "embedded_name" in hit.features
    assert hit.score <= EMBEDDED_SCORE
    # Tongji Medical College is Huazhong University's: Tongji University's name says nothing medical.
    hit = match_affiliation(index, "Department of Cardiology, Tongji Medical College")
    assert hit is None or "embedded_name" not in hit.features


def test_a_school_s_stem_is_also_searched_without_the_donor_s_name_after_it() -> None:
    names = searched("Department of Mental Health, Johns Hopkins Bloomberg School of Public Health")
    assert "Johns Hopkins Bloomberg" in names and "Johns Hopkins" in names
    # Not a stem cut after "and": "Brighton and Sussex Medical School" is no school of Brighton's.
    assert "Brighton and" not in searched("Brighton and Sussex Medical School, University of Sussex")


def test_the_acronym_a_part_begins_with_is_proposed_for_review_when_one_body_alone_bears_it() -> None:
    def uni(key: str, name: str, acronym: str, country: str) -> Entity:
        return Entity(f"ror:{key}", EntityKind.ORGANISATION, name, Provenance("ror", key, "test"), names=[acronym],
                      country=country, attrs={"types": ["education"]})

    index = CandidateIndex([
        uni("la", "University of California, Los Angeles", "UCLA", "US"),
        uni("va", "University of Virginia", "UVA", "US"),
        uni("am", "University of Amsterdam", "UvA", "NL"),
        *PLACES,
    ])
    hit = match_affiliation(index, "UCLA Cardiac Arrhythmia Center")
    assert hit is not None and hit.entity.id == "ror:la" and hit.method == "embedded_name"
    assert 0.7 <= hit.score <= EMBEDDED_SCORE
    # Two bodies bear "UVA": the acronym alone tells neither.
    assert match_affiliation(index, "UVA Comprehensive Cancer Center", min_score=0.7) is None


def test_a_town_after_the_name_that_is_not_the_body_s_own_weighs_as_a_namesake_abroad() -> None:
    def body(key: str, name: str, city: str, *aliases: str) -> Entity:
        return Entity(f"ror:{key}", EntityKind.ORGANISATION, name, Provenance("ror", key, "test"), names=list(aliases),
                      country="US", attrs={"types": ["education"], "city": city})

    chicagoans = [body(f"c{i}", f"Chicago Body {w}", "Chicago") for i, w in enumerate("abcdefghijklmnopqrst")]
    urbana = body("ui", "University of Illinois Urbana-Champaign", "Urbana", "University of Illinois")
    harvard = body("ha", "Harvard University", "Cambridge")
    index = CandidateIndex([urbana, harvard, *chicagoans])
    assert index.city_sizes[("chicago",)] == 20
    # Chicago has twenty bodies: a town, and not the Urbana campus's.
    text = "Department of Biological Sciences, University of Illinois Chicago"
    assert match_affiliation(index, text, min_score=0.7) is None
    hit = match_affiliation(index, text)
    assert hit is not None and hit.features["town_conflict"] < 0
    # A body's own town after its name is an address.
    hit = match_affiliation(index, "Department of Physics, Harvard University Cambridge")
    assert hit is not None and hit.entity.id == "ror:ha" and hit.score >= 0.7 and "town_conflict" not in hit.features
    # A town of few bodies may be a word of a name: it is no place to tell bodies by.
    few = CandidateIndex([urbana, harvard, *chicagoans[:19]])
    assert match_affiliation(few, text, min_score=0.7) is not None


def test_a_name_two_parts_make_ranks_after_the_second_part_alone() -> None:
    suny = ror("s1", "State University of New York", "education", country="US")
    albany = ror("s2", "University at Albany, State University of New York", "education", country="US")
    index = CandidateIndex([suny, albany, *PLACES], part_of=[("ror:s2", "ror:s1")])
    hit = match_affiliation(index, "Department of Psychology, University at Albany, State University of New York")
    assert hit is not None and hit.entity.id == "ror:s2"
    hit = match_affiliation(index, "Department of Psychology, State University of New York")
    assert hit is not None and hit.entity.id == "ror:s1"


def test_a_place_after_a_comma_must_follow_the_name_in_the_body_s_own_name() -> None:
    chile = ror("c1", "Universidad de Chile", "education", country="CL")
    santiago = ror("c2", "Universidad de Santiago de Chile", "education", country="CL")
    ucla = ror("c3", "University of California, Los Angeles", "education", country="US")
    system = ror("c4", "University of California System", "education", country="US")
    index = CandidateIndex([chile, santiago, ucla, system, *PLACES])
    hit = match_affiliation(index, "Facultad de Medicina, Universidad de Chile, Santiago, Chile")
    assert hit is not None and hit.entity.id == "ror:c1"
    hit = match_affiliation(index, "Department of Physics, University of California, Los Angeles, CA, USA")
    assert hit is not None and hit.entity.id == "ror:c3"


def test_a_place_modifier_only_the_registry_name_has_makes_another_body() -> None:
    # "central" and "western" are common words of registry names, so weigh little by frequency.
    common = ["Central European University", "Central Michigan University", "Central South University",
              "Western University", "Western Sydney University", "Western Michigan University"]
    index = CandidateIndex([
        ror("nc", "North Carolina Central University", "education", "funder", country="US"),
        ror("we", "Western New England University", "education", country="US"),
        *[ror(f"c{i}", name, "education") for i, name in enumerate(common)],
    ])
    for text in ("Department of Biology, University of North Carolina", "University of New England"):
        assert match_affiliation(index, text, min_score=0.7) is None, text


def test_a_nationality_only_one_name_has_makes_another_body() -> None:
    # "Chinese" is a common word of registry names, so weighs little by frequency.
    common = ["Chinese Academy of Sciences", "Chinese Academy of Medical Sciences", "Chinese Academy of Forestry",
              "Chinese Center for Disease Control and Prevention", "Chinese Academy of Agricultural Sciences",
              "Chinese PLA General Hospital"]
    index = CandidateIndex([
        ror("hk", "University of Hong Kong", "education", country="HK"),
        *[ror(f"c{i}", name, "facility", country="CN") for i, name in enumerate(common)],
    ])
    text = "School of Life Sciences, The Chinese University of Hong Kong"
    assert match_affiliation(index, text, min_score=0.7) is None
    # Shared, it is a word of weight like any other.
    hit = match_affiliation(index, "Institute of Physics, Chinese Academy of Sciences")
    assert hit is not None and hit.entity.id == "ror:c0" and hit.score >= 0.9



def test_a_semicolon_after_a_country_ends_one_affiliation_and_the_first_of_equals_is_chosen() -> None:
    text = ("Department of Pharmacology, Maastricht University, Maastricht, Netherlands; "
            "Faculty of Pharmacy, Zagazig University, Zagazig, Egypt")
    assert affiliations(text) == ["Department of Pharmacology, Maastricht University, Maastricht, Netherlands",
                                  " Faculty of Pharmacy, Zagazig University, Zagazig, Egypt"]
    # Other semicolons separate the parts of one affiliation, as commas do.
    one = "Department of Chemistry; Helen Wills Neuroscience Institute; University of California, Berkeley"
    assert affiliations(one) == [one]
    index = among_universities(org("m", "Maastricht University", country="NL"),
                               org("z", "Zagazig University", country="EG"))
    hit = match_affiliation(index, text)
    # Each affiliation has its own country: Maastricht is not a namesake abroad of an Egyptian body.
    assert hit is not None and hit.entity.id == "ror:m" and "country_agrees" in hit.features
    hit = match_affiliation(index, "Zagazig University, Egypt; Maastricht University, Netherlands")
    assert hit is not None and hit.entity.id == "ror:z"


def test_a_part_ending_in_a_name_that_ends_in_its_kind_has_that_name_searched() -> None:
    names = searched("Department of Chemical Engineering Abubakar Tafawa Balewa University, Bauchi, Nigeria")
    assert "Abubakar Tafawa Balewa University" in names
    # A discipline may be the name's own: both readings are searched, the scores decide.
    names = searched("Key Laboratory of Neural and Vascular Biology, Ministry of Education Hebei Medical University")
    assert "Hebei Medical University" in names
    # Not a unit's part only: a centre "of" its university, a university's hospital.
    names = searched("Free Radical Regulation and Application Research Center of Fudan University")
    assert "Fudan University" in names
    assert "Johannes Gutenberg University" in searched("University Medical Center of the Johannes Gutenberg University")
    # Only a name that ends in its kind.
    assert not any(n.startswith("Technology") for n in searched("Harbin Institute of Technology"))
    assert searched("Department of Chemical Engineering") == ["Department of Chemical Engineering"]


def test_a_name_found_at_the_end_of_a_part_is_for_review() -> None:
    index = among_universities(org("a", "Abubakar Tafawa Balewa University", country="NG"),
                               org("f", "Fudan University", country="CN"))
    hit = match_affiliation(index, "Department of Petroleum Engineering Abubakar Tafawa Balewa University, Bauchi")
    assert hit is not None and hit.entity.id == "ror:a" and 0.7 <= hit.score <= EMBEDDED_SCORE
    hit = match_affiliation(index, "Free Radical Regulation and Application Research Center of Fudan University")
    assert hit is not None and hit.entity.id == "ror:f" and 0.7 <= hit.score <= EMBEDDED_SCORE


def test_a_nationality_before_the_kind_word_of_a_tail_is_the_name_s_own() -> None:
    assert embedded_names("IMol Polish Academy of Sciences") == (None, "Polish Academy of Sciences")
    assert embedded_names("Laboratory SIB Swiss Institute of Bioinformatics")[1] == "Swiss Institute of Bioinformatics"
    # Not a nationality that begins a name, nor one after a word that may be the name's own.
    assert embedded_names("Swiss Federal Institute of Technology") == (None, None)
    assert embedded_names("Institute of Physics Polish Academy of Sciences") == (None, None)


def test_a_part_without_its_bracket_may_name_a_registry_body_without_its_own_place() -> None:
    # ROR tells namesake companies apart by a bracketed country; the string brackets an acronym.
    index = among_universities(org("b", "Centro Nacional de Biopreparados (Cuba)", "BIOCEN", country="CU"))
    hit = match_affiliation(index, "Centro Nacional de Biopreparados (BioCen)")
    assert hit is not None and hit.entity.id == "ror:b" and 0.7 <= hit.score <= 0.85


def test_a_bracketed_country_is_the_country_of_the_name_before_it() -> None:
    queries = affiliation_queries("Discovery Sciences, AstraZeneca (United Kingdom)")
    bare = [q for q in queries if q.names == ["AstraZeneca"]]
    assert bare and all(q.country == "GB" for q in bare)


def test_an_acronym_bracketed_inside_a_name_is_also_searched_without() -> None:
    names = searched("Institute of Microbiology, Eidgenössische Technische Hochschule (ETH) Zurich")
    assert "Eidgenössische Technische Hochschule Zurich" in names
    # Only an acronym: a bracketed phrase may tell namesakes apart.
    campus = "University of Exeter (Penryn Campus) Cornwall"
    assert searched(campus) == [campus]


def test_a_university_run_into_the_word_before_is_searched_as_a_name() -> None:
    assert "Université de Limoges" in searched("EA 6311 Francophonie Education DiversitéUniversité de Limoges")


def test_a_bracketed_acronym_confirms_a_body_the_part_s_own_name_found() -> None:
    def body(key: str, name: str, acronym: str, country: str) -> Entity:
        return Entity(f"ror:{key}", EntityKind.ORGANISATION, name, Provenance("ror", key, "test"), names=[acronym],
                      country=country, attrs={"types": ["education"]})

    index = CandidateIndex([
        body("kaist", "Korea Advanced Institute of Science and Technology", "KAIST", "KR"),
        body("kbsi", "Korea Basic Science Institute", "KBSI", "KR"),
        body("ibs", "Institute for Basic Science", "IBS", "KR"),
        body("cbu", "Manisa Celal Bayar University", "CBU", "TR"),
        *PLACES,
    ])
    text = "Institute of Basic Science and Korea Advanced Institute of Science and Technology (KAIST)"
    hit = match_affiliation(index, text)
    assert hit is not None and hit.entity.id == "ror:kaist" and hit.method == "embedded_name"
    assert 0.7 <= hit.score <= EMBEDDED_SCORE
    # The only bearer of "CBU" is a body the part's name does not find: the acronym alone names nothing.
    hit = match_affiliation(index, "Medical Research Council Cognition and Brain Sciences Unit (CBU)")
    assert hit is None or hit.entity.id != "ror:cbu"


def test_a_registry_name_with_commas_of_its_own_is_searched_whole() -> None:
    group = ror("g1", "Groupe Sociétés, Religions, Laïcités", "facility")
    index = CandidateIndex([group, ror("g2", "Religions et Sociétés", "facility"), *PLACES])
    hit = match_affiliation(index, "Groupe Sociétés, Religions, Laïcités")
    assert hit is not None and hit.entity.id == "ror:g1" and hit.score == 1.0
    # A run of parts inside a longer string is not searched whole.
    hit = match_affiliation(index, "Groupe Sociétés, Religions, Laïcités, Université de Lyon")
    assert hit is not None and hit.entity.id == "ror:x0"
