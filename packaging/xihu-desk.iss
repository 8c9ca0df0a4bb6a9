; Installer for Windows 10/11 x64 (Inno Setup 6.5 or later, which has the official Chinese messages).
; Built by `py bootstrap.py package` after PyInstaller has made dist\xihu-desk\; by hand:
;   ISCC packaging\xihu-desk.iss            -> dist\XihuDesk-Setup-<version>.exe
; Installs for the current account without administrator rights, or for all accounts when run as
; administrator (the installer asks). Nothing is fetched at install or at first start.
; Silent install (the CI workflow):  XihuDesk-Setup.exe /VERYSILENT /SUPPRESSMSGBOXES /CURRENTUSER
;   all accounts, one data folder for the PC:  /VERYSILENT /ALLUSERS /TASKS="machinedata"

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "西湖司法所工作台"
#define AppExe "XihuDesk.exe"
; The same ID as xihu_desk/app.py APP_USER_MODEL_ID: the taskbar button groups with the shortcut.
#define AppUserModelID "XihuJustice.XihuDesk"

[Setup]
; AppId stays the same in every version: a newer installer upgrades in place, keeping the data.
AppId={{6F1C2B7A-4D3E-4B8F-9A51-7C2E0D9B3A64}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=杭州市西湖区司法局
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\XihuDesk
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; per account by default; "for all users" when the person installing has administrator rights
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Qt 6 needs Windows 10 1809 or later
MinVersion=10.0.17763
SourceDir=..
OutputDir=dist
OutputBaseFilename=XihuDesk-Setup-{#AppVersion}
SetupIconFile=resources\icons\xihu-desk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "zh"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "在桌面上创建快捷方式"; GroupDescription: "快捷方式："
; Only an administrator can make a folder every account may write to.
Name: "machinedata"; Description: "本机所有 Windows 账户共用一个数据目录（%ProgramData%\XihuDesk；多人轮流使用同一台电脑时选择）"; GroupDescription: "数据目录："; Flags: unchecked; Check: IsAdminInstallMode

[Files]
Source: "dist\xihu-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Dirs]
; Users may modify (not take over) the shared data folder; it is never removed by the uninstaller.
Name: "{commonappdata}\XihuDesk"; Permissions: users-modify; Tasks: machinedata; Flags: uninsneveruninstall

[INI]
; The marker xihu_desk/paths.py looks for (MACHINE_MARKER): every account then uses this folder.
Filename: "{commonappdata}\XihuDesk\machine-wide.txt"; Section: "XihuDesk"; Key: "shared"; String: "本机所有账户共用此数据目录"; Tasks: machinedata

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\{#AppExe}"; AppUserModelID: "{#AppUserModelID}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\{#AppExe}"; AppUserModelID: "{#AppUserModelID}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "打开{#AppName}"; Flags: nowait postinstall skipifsilent

[Code]
const
  UninstallKey = 'Software\Microsoft\Windows\CurrentVersion\Uninstall\{6F1C2B7A-4D3E-4B8F-9A51-7C2E0D9B3A64}_is1';

var
  RemoveData: Boolean;

function InstalledVersion(): String;
begin
  Result := '';
  if not RegQueryStringValue(HKLM, UninstallKey, 'DisplayVersion', Result) then
    RegQueryStringValue(HKCU, UninstallKey, 'DisplayVersion', Result);
end;

{ A downgrade is refused before anything is touched: the data of a newer version would not open. }
function InitializeSetup(): Boolean;
var
  Installed: String;
  Have, Want: Int64;
begin
  Result := True;
  Installed := InstalledVersion();
  if (Installed <> '') and StrToVersion(Installed, Have) and StrToVersion('{#AppVersion}', Want) then
    if ComparePackedVersion(Have, Want) > 0 then
    begin
      SuppressibleMsgBox('本机已安装更新的版本 ' + Installed + '，不能用较旧的版本 {#AppVersion} 覆盖。' + #13#10 +
        '数据没有改动。请使用 ' + Installed + ' 或更新的安装程序。', mbError, MB_OK, IDOK);
      Result := False;
    end;
end;

{ Uninstall keeps the data unless the user ticks its removal (asked; silent uninstall keeps it). }
function InitializeUninstall(): Boolean;
begin
  RemoveData := False;
  if not UninstallSilent() then
    RemoveData := MsgBox('是否同时删除本账户的数据目录（案件数据库、备份、日志）？' + #13#10 + #13#10 +
      '一般请选择“否”：数据会保留，重新安装后继续使用。' + #13#10 +
      '选择“是”前请确认已另行保存备份。', mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
  Result := True;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and RemoveData then
    DelTree(ExpandConstant('{localappdata}\XihuDesk'), True, True, True);
end;
