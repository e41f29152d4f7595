# Sets up 党建台账 on Windows: a virtual environment in .venv with the pinned packages.
# Needs Python 3.11 or newer (python.org installer, "py" launcher).
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
if (-not (Test-Path ".venv\Scripts\python.exe")) {
    $py = Get-Command py -ErrorAction SilentlyContinue
    if ($py) { & py -3 -m venv .venv } else { & python -m venv .venv }
    if ($LASTEXITCODE -ne 0) { throw "创建虚拟环境失败：请先安装 Python 3.11 或更高版本" }
}
$hash = (Get-FileHash pyproject.toml -Algorithm SHA256).Hash.Substring(0, 16).ToLower()
$stamp = ".venv\.installed-$hash"
if (-not (Test-Path $stamp)) {
    & .venv\Scripts\python.exe -m pip install -q --upgrade pip
    & .venv\Scripts\python.exe -m pip install -q -e ".[test,build]"
    if ($LASTEXITCODE -ne 0) { throw "安装依赖失败" }
    Remove-Item .venv\.installed-* -ErrorAction SilentlyContinue
    New-Item -ItemType File $stamp | Out-Null
}
