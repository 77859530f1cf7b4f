"""EMS programs that can loop without bound (registry.domain.checks.erl)."""

from __future__ import annotations

from registry.domain.checks.erl import unbounded_loop


def program(name: str, *lines: str, kind: str = "Program") -> str:
    body = ",\n    ".join((name, *lines))
    return f"EnergyManagementSystem:{kind},\n    {body};\n"


def test_straight_line_and_if_blocks_are_run():
    text = program("Setback", "IF Hour < 7", "SET Heat = 15", "ELSE", "SET Heat = 20", "ENDIF")
    text += program("Helper", "SET y = 1", kind="Subroutine")
    text += program("Main", "RUN Helper", "RUN Helper")
    assert unbounded_loop(text) is None


def test_any_while_is_refused_in_any_case_and_beside_comments():
    text = program("Counter", "set i = 0", "  while i <   10 ", "endwhile")
    text += "! a counted loop, and still refused\n"
    assert unbounded_loop(text) == (
        "idf.ems_while_loop",
        {"program": "Counter", "line": "while i < 10"},
    )


def test_a_while_in_a_comment_or_another_object_is_not_a_loop():
    text = "! WHILE x < 1\nOutput:Variable,*,Zone Mean Air Temperature,Hourly;\n"
    text += "Schedule:Constant,WHILE x < 1,,1;\n"
    assert unbounded_loop(text) is None


def test_recursion_through_subroutines_is_refused_with_its_chain():
    text = program("A", "RUN B", kind="Subroutine") + program("b", "RUN c", kind="Subroutine")
    text += program("C", "IF x > 1", "RUN A", "ENDIF", kind="Subroutine")
    assert unbounded_loop(text) == ("idf.ems_recursion", {"chain": "A → b → C → A"})
    assert unbounded_loop(program("Self", "RUN Self", kind="Subroutine")) == (
        "idf.ems_recursion",
        {"chain": "Self → Self"},
    )


def test_a_long_chain_of_calls_is_read_without_recursion():
    # 20,000 subroutines, each calling the next: deeper than Python's recursion limit.
    chain = "".join(program(f"S{n}", f"RUN S{n + 1}", kind="Subroutine") for n in range(20_000))
    assert unbounded_loop(chain) is None
    looped = chain + program("S20000", "RUN S0", kind="Subroutine")
    assert unbounded_loop(looped)[0] == "idf.ems_recursion"
