"""Reading a synthesized cloud assembly (``cdk.out``) for summaries and checks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

__all__ = ["StackInfo", "AssemblyInfo", "summarize", "MODEL_TAG"]

#: Tag every model stack carries with its descriptor name.
MODEL_TAG = "sagestack:model"


@dataclass(frozen=True)
class StackInfo:
    name: str
    model: str | None
    resources: int
    template_bytes: int


@dataclass(frozen=True)
class AssemblyInfo:
    stacks: list[StackInfo]

    @property
    def resources(self) -> int:
        return sum(s.resources for s in self.stacks)

    @property
    def models(self) -> int:
        return len({s.model for s in self.stacks if s.model})


def summarize(cdk_out: Path) -> AssemblyInfo:
    manifest_path = cdk_out / "manifest.json"
    if not manifest_path.is_file():
        raise FileNotFoundError(f"{manifest_path} not found: run `make synth` first")
    manifest = json.loads(manifest_path.read_text())
    stacks = []
    for name, artifact in sorted(manifest.get("artifacts", {}).items()):
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        template_path = cdk_out / artifact["properties"]["templateFile"]
        template_text = template_path.read_text()
        template = json.loads(template_text)
        tags = artifact.get("properties", {}).get("tags", {}) or {}
        stacks.append(
            StackInfo(
                name=artifact.get("displayName", name),
                model=tags.get(MODEL_TAG),
                resources=len(template.get("Resources", {})),
                template_bytes=len(template_text.encode()),
            )
        )
    return AssemblyInfo(stacks)
