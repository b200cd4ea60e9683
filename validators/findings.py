"""The one finding type and the report that collects findings."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from sticoop.validators.rules import ERROR, WARNING, rule

VALUE_LIMIT = 80


def truncate(value: object, limit: int = VALUE_LIMIT) -> str | None:
    """Shorten an offending value for display; None stays None."""
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text):,} chars)"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: where it is (file, physical line, column, record) and which rule it breaks.

    ``line`` counts physical lines with the header as line 1; None when the problem has no line.
    """

    code: str
    message: str
    table: str | None = None
    file: str | None = None
    line: int | None = None
    column: str | None = None
    record_id: str | None = None
    value: str | None = None
    pointer: str | None = None  # JSON pointer into the descriptor (descriptor findings)

    @property
    def severity(self) -> str:
        return rule(self.code).severity

    def to_dict(self) -> dict[str, object]:
        return {"severity": self.severity, **asdict(self)}

    def sort_key(self) -> tuple:
        return (self.table or "", self.file or "", self.line or 0, self.column or "", self.code)


@dataclass
class Report:
    """Everything one validation run found, plus what it looked at."""

    descriptor: str
    profile: str = "spec"
    findings: list[Finding] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)  # rows read per table
    # how it was checked: "precise" (every check), "quick" (the quick pass proved it clean),
    # "quick+recheck" (proved but for doubtful cells, checked precisely in ``rechecked``)
    engine: str = "precise"
    rechecked: list[str] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def extend(self, findings: list[Finding]) -> None:
        self.findings.extend(findings)

    @property
    def error_count(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warning_count(self) -> int:
        return sum(1 for f in self.findings if f.severity == WARNING)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return self.error_count == 0

    def passed(self, strict: bool = False) -> bool:
        """True when valid; with ``strict`` warnings count as failures too."""
        return self.ok and not (strict and self.warning_count)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    def counts_by_code(self) -> Counter[str]:
        return Counter(f.code for f in self.findings)
