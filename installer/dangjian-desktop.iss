; Inno Setup 6 script: the Windows setup of 党建台账 (one .exe for a USB stick).
; Needs Inno Setup 6.3 or later (ArchitecturesAllowed=x64compatible came with 6.3).
;
; Per-user install without administrator rights into %LOCALAPPDATA%\Programs\dangjian-desktop,
; Start-menu and desktop shortcuts, Chinese wizard. The user's data lives elsewhere
; (%LOCALAPPDATA%\dangjian-desktop: databases, backups, logs; %APPDATA%\dangjian-desktop:
; settings) and is never installed, replaced or removed by this setup.
;
; Input: the PyInstaller one-folder build in dist\dangjian-desktop (see BUILD-WINDOWS.md).
; Compile from the repository top:
;   iscc /DAppVersion=0.1.0 installer\dangjian-desktop.iss
; Without /DAppVersion the version is read from dangjian-desktop.exe (the spec writes the
; version from pyproject.toml into the executable). Output: dist\installer\dangjian-desktop-<version>-setup.exe

#if VER < EncodeVer(6, 3, 0)
  #error 需要 Inno Setup 6.3 或更高版本（x64compatible 自 6.3 起才有）：请从 jrsoftware.org 安装新版
#endif

#define AppName "党建台账"
#define AppExeName "dangjian-desktop.exe"
#define DistDir AddBackslash(SourcePath) + "..\dist\dangjian-desktop"

#if !FileExists(DistDir + "\" + AppExeName)
  #error 找不到 dist\dangjian-desktop\dangjian-desktop.exe：请先按 BUILD-WINDOWS.md 用 PyInstaller 打包
#endif

#ifndef AppVersion
  #define AppVersion GetStringFileInfo(DistDir + "\" + AppExeName, "ProductVersion")
#endif

[Setup]
; The AppId identifies the program to Windows' uninstall list and to later setups (upgrades): never change it.
AppId={{F5370D22-D839-4792-AB4D-6F49106112E1}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=党建台账
VersionInfoDescription={#AppName} 安装程序
VersionInfoProductName={#AppName}
; Per user, no administrator rights: clerks' accounts usually have none.
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\dangjian-desktop
DisableProgramGroupPage=yes
DefaultGroupName={#AppName}
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExeName}
SetupIconFile=..\resources\icons\app.ico
OutputDir=..\dist\installer
OutputBaseFilename=dangjian-desktop-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
; Python 3.11 and Qt 6 need 64-bit Windows 10 or later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
; A running copy is closed (it holds files that the upgrade replaces).
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "chs"; MessagesFile: "ChineseSimplified.isl"

[Messages]
FinishedLabel=[name] 已安装到您的电脑上，可以通过桌面或“开始”菜单中的快捷方式启动。%n%n您的数据库保存在本机的用户数据文件夹（AppData\Local\dangjian-desktop）中，升级或卸载程序都不会删除它。

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An upgrade replaces the whole program folder, so no library of the old version lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"
Name: "{group}\{#AppName}自检"; Filename: "{app}\{#AppExeName}"; Parameters: "--selftest"; WorkingDir: "{app}"; Comment: "检查程序能否正常运行，结果显示在对话框中并保存为报告文件"
Name: "{group}\卸载{#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  { The uninstaller removes only what the setup installed; say plainly that the data stays. }
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent() then
    MsgBox('党建台账的程序文件已经删除。' + #13#10#13#10 +
           '您的数据没有删除，仍保存在：' + #13#10 +
           ExpandConstant('{localappdata}\dangjian-desktop') + '（数据库、备份）' + #13#10 +
           ExpandConstant('{userappdata}\dangjian-desktop') + '（设置）' + #13#10#13#10 +
           '重新安装后程序会继续使用这些数据。确实不再需要时，请先备份，再手动删除这两个文件夹。',
           mbInformation, MB_OK);
end;
