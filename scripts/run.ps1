# One command on Windows: set up (if needed) and start 党建台账.
$ErrorActionPreference = "Stop"
& (Join-Path $PSScriptRoot "setup.ps1")
Set-Location (Join-Path $PSScriptRoot "..")
& .venv\Scripts\dangjian-desktop.exe @args
