# One command on Windows: set up (if needed) and run the whole test suite (GUI tests offscreen).
$ErrorActionPreference = "Stop"
& (Join-Path $PSScriptRoot "setup.ps1")
Set-Location (Join-Path $PSScriptRoot "..")
$env:QT_QPA_PLATFORM = "offscreen"
& .venv\Scripts\python.exe -m pytest -n 2 --dist loadfile @args
exit $LASTEXITCODE
