"""What ``python -m scripts.render_documents`` (``make docs-images``) says to whoever runs it:
the sample pages of the office's documents it writes for the README, and why it stopped."""

MESSAGES: dict[str, tuple[str, str]] = {
    "samples.about": (
        "用示例台账生成各类文书的第一页图片，供项目说明文档使用。",
        "Render page one of each of the office's documents from a sample ledger (for the README).",
    ),
    "samples.folder": (
        "图片保存的文件夹，例如 {example}",
        "the folder to write the pictures to, e.g. {example}",
    ),
    "samples.seeding": (
        "正在生成示例台账（日期 {day}）并制作文书…",
        "Seeding the sample ledger (day {day}) and building the documents…",
    ),
    "samples.written": (
        "{path}：{width}×{height} 像素，{size}",
        "{path}: {width}×{height} px, {size}",
    ),
    "samples.missing_tool": (
        "找不到 {tool}（{package}），请先运行 {command} 安装后再试。",
        "{tool} ({package}) is not installed: run {command} first, then try again.",
    ),
    "samples.tool_failed": (
        "{tool} 未能处理 {file}：{reason}",
        "{tool} could not process {file}: {reason}",
    ),
    "samples.not_converted": (
        "{tool} 没有把 {file} 转换为 PDF。",
        "{tool} did not convert {file} to PDF.",
    ),
    "samples.unknown_kind": (
        "没有“{kind}”这种任务（现有：{kinds}），请更新本脚本中的任务类型。",
        "There is no {kind} job (there are: {kinds}): update the job kinds in this script.",
    ),
    "samples.no_file": (
        "任务没有生成 {suffix} 文件（生成了：{files}）。",
        "The job made no {suffix} file (it made: {files}).",
    ),
    "samples.no_document": (
        "“{kind}”任务没有生成文件：{text}",
        "The {kind} job made no file: {text}",
    ),
}
