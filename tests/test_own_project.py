"""A project of one's own, with themes of one's own: the first steps a user takes with it."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT, SOME_WRITTEN, in_process

# Three short reports of three themes of one's own, one paragraph of each theme a report.
REPORTS = {
    "east": ["县委召开常委会议，部署防汛工作，县政府下发紧急通知。",
             "各村干部挨家挨户动员群众转移，网格员每天上报水位。",
             "县医院派出医疗队进驻安置点，医生为群众测量血压。"],
    "west": ["市政府成立领导小组，市长主持会议研究长照服务。",
             "社区网格员上门登记每户需求，居委会每周召开协调会。",
             "医院发热门诊开设十个诊室，医生护士轮班接诊患者。"],
    "north": ["區委書記主持召開指揮部會議，區政府撥付專項資金。",
              "各村黨支部組織黨員巡查，村幹部每天檢查用電安全。",
              "疾控中心派出流調隊伍，醫護人員日夜值守發熱門診。"],
}
THEMES = ["government", "community", "health"]


def _project(tmp_path: Path, *config_lines: str, labelled: bool = True,
             written: str = "use_written: false",
             vectorize: str = "{actors: {path: actors.yaml}}") -> Path:
    """A project folder as the README's "a project of your own" lays it out: documents/,
    labels/ (each body paragraph labelled by its index, or none) and configs/mine.yaml, whose
    ``corpus`` has the ``written`` line given, and ``vectorize`` the value given."""
    docs, labels, configs = tmp_path / "documents", tmp_path / "labels", tmp_path / "configs"
    for folder in (docs, labels, configs):
        folder.mkdir()
    for name, paragraphs in REPORTS.items():
        (docs / f"{name}.txt").write_text("\n\n".join(paragraphs) + "\n", "utf-8")
    if labelled:
        (labels / "mine.jsonl").write_text("".join(
            json.dumps({"document": name, "index": i, "theme": theme}) + "\n"
            for name in REPORTS for i, theme in enumerate(THEMES)), "utf-8")
    (configs / "actors.yaml").write_text(
        "government: [县委, 县政府, 市政府, 区委, 区政府]\ncommunity: [村, 社区, 网格员]\n"
        "health: [医院, 疾控, 医护]\n", "utf-8")
    config = configs / "mine.yaml"
    config.write_text("\n".join([
        f"themes: [{', '.join(THEMES)}]",
        "corpus:",
        "  documents: [../documents]",
        "  labels: [../labels]",
        "  heldout_documents: []",
        "  heldout_labels: []",
        f"  {written}",
        f"vectorize: {vectorize}",
        "model: {dir: ../models}",
        "output: {path: ../output/labelled.json}",
        *config_lines, ""]), "utf-8")
    return config


def test_no_labels_and_no_written_paragraphs_say_how_to_label_the_first(tmp_path: Path) -> None:
    # Themes of one's own, so no written paragraphs, and nothing labelled yet: train said "the
    # corpus has no labelled paragraphs: check corpus.documents and corpus.labels", neither
    # where labels are looked for nor how to make the first ones; and pipeline review, which
    # the other messages send a user to, needs a model that cannot be trained yet.
    config = _project(tmp_path, labelled=False)
    for command in ("train", "run"):
        result = in_process(command, "--config", str(config))
        err = result.stderr.decode()
        assert result.returncode == 2, err
        assert "Traceback" not in err and err.count("\n") == 1 + (command == "run"), err
        assert (f"pipeline: error: {config}: corpus.labels: no hand-labelled paragraphs: no label "
                f"in {tmp_path / 'labels'} names a body paragraph of a document of "
                f"corpus.documents ({tmp_path / 'documents'}), and corpus.use_written is false, "
                "so there is nothing to train on; label some: pipeline segment shows each "
                "paragraph's index, kind and text: write a line {\"document\": …, \"index\": …, "
                "\"theme\": …} for each body paragraph to label to a .jsonl file in "
                "corpus.labels\n") in err, err


def test_written_paragraphs_of_the_shipped_themes_say_to_leave_them_out(tmp_path: Path) -> None:
    # The README's own project keeps the shipped written paragraphs (corpus.use_written is true
    # by default); with themes of one's own, training stopped at their first line's "unknown
    # theme" without saying that they are of other themes, nor how to train without them.
    config = _project(tmp_path, written=f"written: [{SOME_WRITTEN[0]}]")
    result = in_process("train", "--config", str(config))
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err.startswith(f"pipeline: error: {SOME_WRITTEN[0]}:1: unknown theme "), err
    assert err.endswith("allowed (the config's themes): government, community, health; "
                        "corpus.written names paragraphs written for other themes: write some "
                        "for these, or give corpus.written as [] to train on hand labels "
                        "alone\n"), err


def test_evaluate_leaves_out_a_lexicon_of_other_themes_that_the_model_does_not_use(
        tmp_path: Path) -> None:
    # The shipped config names configs/lexicon.yaml at weight 0: the model does not use it and
    # train does not read it, but evaluate measured it as a weak labeller and failed, after
    # the whole cross-validation, on its four themes: no figure at all for themes of one's own.
    lexicon = ROOT / "configs/lexicon.yaml"
    config = _project(tmp_path, vectorize=("{actors: {path: actors.yaml}, lexicon: "
                                           f"{{path: {lexicon}, weight: 0}}}}"))
    result = in_process("evaluate", "--config", str(config), "--json", "-")
    err = result.stderr.decode()
    assert result.returncode == 0, err
    assert (f"pipeline: {lexicon}: unknown themes: grassroots, leadership, medical, "
            "public_participation; allowed: government, community, health: its figure as a "
            "weak labeller is left out (vectorize.lexicon.weight is 0: the model does not use "
            "it)\n") in err, err
    report = json.loads(result.stdout)
    assert "lexicon_weak_labels" not in report and report["cv_without_written"]["paragraphs"] == 9
    # At a weight above 0 the model uses it: the error stands, and before any work.
    (tmp_path / "weighted").mkdir()
    config = _project(tmp_path / "weighted", vectorize=(
        f"{{actors: {{path: actors.yaml}}, lexicon: {{path: {lexicon}, weight: 1}}}}"))
    result = in_process("evaluate", "--config", str(config))
    assert result.returncode == 2
    assert result.stderr.decode() == (
        f"pipeline: error: {lexicon}: unknown themes: grassroots, leadership, medical, "
        "public_participation; allowed: government, community, health\n")
