# Sets up 党建台账 on Windows: a virtual environment in .venv with the pinned packages.
# Needs Python 3.11 or newer (python.org installer with the "py" launcher). Another interpreter:
#   $env:PYTHON = "C:\Python312\python.exe"; powershell -ExecutionPolicy Bypass -File scripts\setup.ps1
# A .venv made by a different interpreter is rebuilt. Safe to run again: it skips what is done.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")

$VenvPython = ".venv\Scripts\python.exe"
$VersionCode = "import sys; print('%d.%d.%d' % tuple(sys.version_info[:3]))"
$RecentCode = "import sys; sys.exit(0 if tuple(sys.version_info[:2]) >= (3, 11) else 1)"
$BuildCode = "import sys; print(sys.version)"
$ChooseHint = "用 `$env:PYTHON 指定解释器 / choose one with `$env:PYTHON, e.g.:`n" +
              "  `$env:PYTHON = 'C:\Python312\python.exe'; powershell -ExecutionPolicy Bypass -File scripts\setup.ps1"

function Invoke-Quiet([string]$Exe, [string[]]$Arguments) {
    # A native command's exit code and stdout; its stderr is dropped and never stops the script
    # (Windows PowerShell turns redirected stderr into errors under "Stop").
    $ErrorActionPreference = "Continue"
    try {
        $out = & $Exe @Arguments 2>$null
        $code = $LASTEXITCODE
    } catch {
        return @{ Code = -1; Out = "" }
    }
    return @{ Code = $code; Out = ((@($out) | ForEach-Object { "$_" }) -join "`n").Trim() }
}

function Get-VenvBuild {
    # The full version string of a working .venv that has pip; "" when there is none.
    if (-not (Test-Path $VenvPython)) { return "" }
    $r = Invoke-Quiet $VenvPython @("-c", "import sys, pip; print(sys.version)")
    if ($r.Code -ne 0) { return "" }
    return $r.Out
}

function Remove-Venv {
    try {
        Remove-Item -Recurse -Force .venv
    } catch {
        throw "无法删除旧的 .venv（程序或测试是否还在运行？）`n" +
              "Could not remove the old .venv (is the program or a test still running?): $_"
    }
}

$keepVenv = (-not $env:PYTHON) -and (Get-VenvBuild) -and ((Invoke-Quiet $VenvPython @("-c", $RecentCode)).Code -eq 0)
if (-not $keepVenv) {
    # The interpreter: $env:PYTHON, else the newest Python 3 through the py launcher, else python.
    if ($env:PYTHON) { $py = @($env:PYTHON) }
    elseif (Get-Command py -ErrorAction SilentlyContinue) { $py = @("py", "-3") }
    else { $py = @("python") }
    $pyExe = $py[0]
    $pyArgs = @($py | Select-Object -Skip 1)
    $pyName = $py -join " "

    $version = Invoke-Quiet $pyExe ($pyArgs + @("-c", $VersionCode))
    if ($version.Code -ne 0) {
        throw "找不到或无法运行 Python（$pyName）。需要 Python 3.11 或更高版本，请从 python.org 安装。`n" +
              "Python ($pyName) was not found or does not run. Python 3.11 or later is needed (python.org).`n" +
              $ChooseHint
    }
    if ((Invoke-Quiet $pyExe ($pyArgs + @("-c", $RecentCode))).Code -ne 0) {
        throw "需要 Python 3.11 或更高版本，但 $pyName 是 Python $($version.Out)。请安装较新的 Python。`n" +
              "Python 3.11 or later is needed; $pyName is Python $($version.Out). Please install a newer one.`n" +
              $ChooseHint
    }

    $want = (Invoke-Quiet $pyExe ($pyArgs + @("-c", $BuildCode))).Out
    $have = Get-VenvBuild
    if ((Test-Path .venv) -and ($have -ne $want)) {
        if ($have) { Write-Host "Rebuilding .venv: it was made by Python $($have.Split(' ')[0]), now $pyName ($($version.Out))." }
        else { Write-Host "Rebuilding .venv: it does not work (interpreter gone, or created half-way)." }
        Remove-Venv
    }
    if (-not (Test-Path .venv)) {
        & $pyExe @pyArgs -m venv .venv
        if ($LASTEXITCODE -ne 0) {
            if (Test-Path .venv) { Remove-Venv }
            throw "创建虚拟环境失败（$pyName -m venv .venv）。`nCreating the virtual environment failed ($pyName -m venv .venv)."
        }
    }
}

$hash = (Get-FileHash pyproject.toml -Algorithm SHA256).Hash.Substring(0, 16).ToLower()
$stamp = ".venv\.installed-$hash"
if (-not (Test-Path $stamp)) {
    & $VenvPython -m pip install -q --upgrade pip
    if ($LASTEXITCODE -ne 0) { throw "升级 pip 失败（见上文）。`nUpgrading pip failed (see above)." }
    & $VenvPython -m pip install -q -e ".[test,build]"
    if ($LASTEXITCODE -ne 0) { throw "安装依赖失败（见上文）。`nInstalling the Python packages failed (see above)." }
    Remove-Item .venv\.installed-* -ErrorAction SilentlyContinue
    New-Item -ItemType File $stamp | Out-Null
}
