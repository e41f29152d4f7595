# Builds the Windows setup of dangjian-desktop in three steps, each stopping the build on failure:
#   1. PyInstaller one-folder bundle  -> dist\dangjian-desktop\
#   2. the bundle's own self-test      (dangjian-desktop.exe --selftest, offscreen, throw-away data)
#   3. Inno Setup                      -> dist\installer\dangjian-desktop-<version>-setup.exe
#
# Run from anywhere in PowerShell (needs Python 3.11 x64 and Inno Setup 6):
#   powershell -ExecutionPolicy Bypass -File installer\build-windows.ps1
# Options: -Python <python.exe>  (default: py -3.11, else python)   -Iscc <path to ISCC.exe>
param(
    [string]$Python = "",
    [string]$Iscc = ""
)
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")

function Invoke-Checked([string]$what, [scriptblock]$block) {
    & $block
    if ($LASTEXITCODE -ne 0) { throw "$what failed (exit code $LASTEXITCODE)" }
}

# --- Python environment: .venv with the pinned packages and the build tools -------------------
if (-not (Test-Path ".venv\Scripts\python.exe")) {
    if (-not $Python) {
        if (Get-Command py -ErrorAction SilentlyContinue) { $Python = "py"; $pyArgs = @("-3.11") }
        else { $Python = "python"; $pyArgs = @() }
    } else { $pyArgs = @() }
    Invoke-Checked "creating .venv" { & $Python @pyArgs -m venv .venv }
}
$venvPy = (Resolve-Path ".venv\Scripts\python.exe").Path
Invoke-Checked "pip upgrade" { & $venvPy -m pip install --quiet --upgrade pip }
Invoke-Checked "pip install" { & $venvPy -m pip install --quiet -e ".[build]" }

# --- 1. the one-folder bundle ------------------------------------------------------------------
$started = Get-Date
Invoke-Checked "PyInstaller" {
    & $venvPy -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build `
        installer\dangjian-desktop.spec
}
$bundle = "dist\dangjian-desktop"
$seconds = [int]((Get-Date) - $started).TotalSeconds
$sizeMB = [math]::Round(((Get-ChildItem $bundle -Recurse -File | Measure-Object Length -Sum).Sum) / 1MB)
Write-Host "Bundle built in $seconds s, $sizeMB MB: $bundle"

# --- 2. the frozen self-test -------------------------------------------------------------------
# dangjian-desktop.exe is a windowed program: with its output redirected it prints the report
# instead of showing a message box. Offscreen Qt, and a throw-away data folder.
$selftestDir = Join-Path ([System.IO.Path]::GetTempPath()) ("dangjian-selftest-" + [guid]::NewGuid())
New-Item -ItemType Directory -Path $selftestDir | Out-Null
$report = Join-Path $selftestDir "stdout.txt"
$env:DANGJIAN_DATA_DIR = Join-Path $selftestDir "data"
$env:QT_QPA_PLATFORM = "offscreen"
try {
    $proc = Start-Process -FilePath "$bundle\dangjian-desktop.exe" -ArgumentList "--selftest" `
        -Wait -PassThru -NoNewWindow -RedirectStandardOutput $report -RedirectStandardError "$report.err"
    Get-Content $report -Encoding UTF8 | Write-Host
    if ($proc.ExitCode -ne 0) {
        Get-Content "$report.err" -Encoding UTF8 | Write-Host
        throw "frozen self-test failed (exit code $($proc.ExitCode))"
    }
} finally {
    Remove-Item Env:DANGJIAN_DATA_DIR, Env:QT_QPA_PLATFORM -ErrorAction SilentlyContinue
    Remove-Item $selftestDir -Recurse -Force -ErrorAction SilentlyContinue
}

# --- 3. the setup ------------------------------------------------------------------------------
$version = (& $venvPy -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])").Trim()
if (-not $Iscc) {
    $found = Get-Command ISCC.exe -ErrorAction SilentlyContinue
    $candidates = @(
        $(if ($found) { $found.Source }),
        "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
        "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
        "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe"
    ) | Where-Object { $_ -and (Test-Path $_) }
    if (-not $candidates) { throw "ISCC.exe (Inno Setup 6) not found: install Inno Setup 6 or pass -Iscc <path>" }
    $Iscc = @($candidates)[0]
}
Invoke-Checked "Inno Setup" { & $Iscc "/DAppVersion=$version" "installer\dangjian-desktop.iss" }
$setup = "dist\installer\dangjian-desktop-$version-setup.exe"
$setupMB = [math]::Round((Get-Item $setup).Length / 1MB, 1)
Write-Host "Setup: $setup ($setupMB MB)"
