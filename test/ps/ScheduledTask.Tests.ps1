# The scheduled task of docs/operations.md, run as written: examples/Invoke-KmsScheduledReset.ps1 in a
# non-interactive pwsh, with the module found on PSModulePath and the database named by the settings file.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    # The copy in the module's Examples folder: what the packages give admins.
    $script:Script = Join-Path $Root 'dist/KmsEnrollment/Examples/Invoke-KmsScheduledReset.ps1'

    # The task's argument line from docs/operations.md, with its two paths replaced by the test's own.
    function Get-ReadmeTaskArgument {
        param([string] $LogPath)
        $readme = Get-Content -Raw -LiteralPath (Join-Path $Root 'docs/operations.md')
        if ($readme -notmatch "(?m)^\`$argument = '([^']+)'") { throw "docs/operations.md has no `$argument = '...' line in its scheduled-task example" }
        $line = $Matches[1]
        $line.Replace('C:\Scripts\Invoke-KmsScheduledReset.ps1', ("'{0}'" -f $Script)).Replace('D:\Logs\kms-scheduled-reset.log', ("'{0}'" -f $LogPath))
    }

    # Runs the task as Task Scheduler would: no console input, output thrown away; gives the exit code.
    function Invoke-Task {
        param([string] $Database, [string] $LogPath)
        $folder = New-TestFolder
        $settings = Join-Path $folder 'kmsdb.ini'
        # No database at all, without one: a settings file that names only where backups go.
        $line = if ($Database) { "database = $Database" } else { 'backupDir = ' + (Join-Path $folder 'Backups') }
        Set-Content -LiteralPath $settings -Value "[defaults]`n$line"
        $saved = @{ KMSDB_CONFIG = $env:KMSDB_CONFIG; PSModulePath = $env:PSModulePath }
        $env:KMSDB_CONFIG = $settings
        $env:PSModulePath = (Join-Path $Root 'dist') + [System.IO.Path]::PathSeparator + $env:PSModulePath
        try {
            Invoke-TestProcess -FilePath $env:KMSDB_TEST_PWSH -ArgumentList (Get-ReadmeTaskArgument -LogPath $LogPath)
        } finally {
            foreach ($name in $saved.Keys) {
                if ($null -eq $saved[$name]) { Remove-Item "Env:$name" -ErrorAction Ignore } else { Set-Item "Env:$name" -Value $saved[$name] }
            }
        }
    }
}

Describe 'The scheduled-task script, as docs/operations.md runs it' {
    It 'ships in the module''s Examples folder as it is in examples/' {
        Get-Bytes $Script | Should -Be (Get-Bytes (Join-Path $Root 'examples/Invoke-KmsScheduledReset.ps1'))
    }

    It 'is what docs/operations.md registers, with parameters the script has' {
        $readme = Get-Content -Raw -LiteralPath (Join-Path $Root 'docs/operations.md')
        $readme | Should -Match 'examples/Invoke-KmsScheduledReset\.ps1'
        $readme | Should -Match "New-ScheduledTaskAction -Execute 'pwsh\.exe' -Argument \`$argument"
        $parameters = (Get-Command -Name $Script).Parameters.Keys
        foreach ($name in [regex]::Matches((Get-ReadmeTaskArgument -LogPath 'x.log'), '(?<=\s)-(\w+)') | ForEach-Object { $_.Groups[1].Value } | Where-Object { $_ -notin 'NoProfile', 'NonInteractive', 'Command' }) {
            $parameters | Should -Contain $name
        }
    }

    It 'exits 1 when a record is refused, and leaves a log that says what was reset, what was refused and why' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe'; 'Mb.ini' = "[Client]`r`nAlias = twice`r`nState = 4`r`n[X]`r`nState = 4`r`n" }
        $log = Join-Path (Join-Path (New-TestFolder) 'Logs') 'kms-scheduled-reset.log'
        Invoke-Task -Database $db -LogPath $log | Should -Be 1
        (Get-KmsRecord -Path (Join-Path $db 'Ma.ini')).State | Should -Be 1
        (Get-KmsRecord -Path (Join-Path $db 'Mb.ini')).State | Should -Be 4
        $lines = @(Get-Content -LiteralPath $log -Encoding UTF8)
        $lines[0] | Should -Match '^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d START on '
        ($lines | Where-Object { $_ -match ' RESET Ma .*cn=jdoe' }) | Should -Not -BeNullOrEmpty
        ($lines | Where-Object { $_ -match ' ERROR KmsRecordAmbiguous,Reset-KmsEnrollment .*Mb\.ini: .*State occurs 2 times' }) | Should -Not -BeNullOrEmpty
        # The record is named once: the error's own message names it already.
        ($lines | Where-Object { $_ -match 'Mb\.ini.*Mb\.ini' }) | Should -BeNullOrEmpty
        $lines[-1] | Should -Match ' END exit 1: 1 reset, 0 unchanged, 0 other, 1 refused or failed$'
    }

    It 'exits 1 on a refused record also when a task runs it with pwsh -File, as many tasks are registered' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe'; 'Mb.ini' = "[Client]`r`nAlias = twice`r`nState = 4`r`n[X]`r`nState = 4`r`n" }
        $log = Join-Path (New-TestFolder) 'kms-scheduled-reset.log'
        $arguments = '-NoProfile -NonInteractive -File "{0}" -Path "{1}" -LogPath "{2}" -Module "{3}"' -f $Script, $db, $log, $ModuleManifest
        Invoke-TestProcess -FilePath $env:KMSDB_TEST_PWSH -ArgumentList $arguments | Should -Be 1
        (Get-KmsRecord -Path (Join-Path $db 'Ma.ini')).State | Should -Be 1
        @(Get-Content -LiteralPath $log -Encoding UTF8)[-1] | Should -Match ' END exit 1: 1 reset, 0 unchanged, 0 other, 1 refused or failed$'
    }

    It 'exits 0 when every stuck record is reset, and appends its run to the same log' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $log = Join-Path (New-TestFolder) 'kms-scheduled-reset.log'
        Invoke-Task -Database $db -LogPath $log | Should -Be 0
        Invoke-Task -Database $db -LogPath $log | Should -Be 0
        $ends = @(Get-Content -LiteralPath $log -Encoding UTF8 | Where-Object { $_ -match ' END ' })
        $ends.Count | Should -Be 2
        $ends[0] | Should -Match 'END exit 0: 1 reset, 0 unchanged, 0 other, 0 refused or failed$'
        $ends[1] | Should -Match 'END exit 0: 0 reset, 0 unchanged, 0 other, 0 refused or failed$'
    }

    It 'counts as the run failing every error that about_KmsEnrollment calls an error of a whole call' {
        $about = Get-Content -Raw -LiteralPath (Join-Path $Root 'ps-wrapper/en-US/about_KmsEnrollment.help.txt')
        $found = [regex]::Match($about, '(?s)The errors of a whole call are (.+?)\.\r?\n')
        $found.Success | Should -BeTrue
        $named = @([regex]::Matches($found.Groups[1].Value, '\bKms\w+') | ForEach-Object Value)
        $named.Count | Should -BeGreaterThan 5
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($Script, [ref]$null, [ref]$null)
        $list = $ast.Find({ param($n) $n -is [System.Management.Automation.Language.AssignmentStatementAst] -and "$($n.Left)" -eq '$runErrors' }, $true)
        $counted = @($list.Right.FindAll({ param($n) $n -is [System.Management.Automation.Language.StringConstantExpressionAst] }, $true) | ForEach-Object Value)
        foreach ($id in $named) { $counted | Should -Contain $id -Because "about_KmsEnrollment calls $id an error of a whole call" }
    }

    # What about_KmsEnrollment lists is held to the code: each error of how kmsdb ended (but KmsdbFailed,
    # which may be one record's), and each error of a -Path that cannot be used, which is the task's whole database.
    It 'counts as the run failing every error of how kmsdb ended, and of a -Path that cannot be used' {
        $ids = foreach ($file in 'Write-KmsdbExit.ps1', 'Resolve-KmsPath.ps1', 'Write-KmsPathError.ps1') {
            $ast = [System.Management.Automation.Language.Parser]::ParseFile((Join-Path $Root "ps-wrapper/Private/$file"), [ref]$null, [ref]$null)
            foreach ($command in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true)) {
                $elements = $command.CommandElements
                for ($i = 0; $i -lt $elements.Count - 1; $i++) {
                    if ($elements[$i] -is [System.Management.Automation.Language.CommandParameterAst] -and $elements[$i].ParameterName -eq 'ErrorId') { $elements[$i + 1].Value }
                }
            }
        }
        $ids = @($ids | Sort-Object -Unique)
        $ids | Should -Contain 'KmsDatabaseNotGiven'
        $ids | Should -Contain 'KmsPathNotFileSystem'
        $about = Get-Content -Raw -LiteralPath (Join-Path $Root 'ps-wrapper/en-US/about_KmsEnrollment.help.txt')
        $wholeCall = [regex]::Match($about, '(?s)The errors of a whole call are (.+?)\.\r?\n').Groups[1].Value
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($Script, [ref]$null, [ref]$null)
        $list = $ast.Find({ param($n) $n -is [System.Management.Automation.Language.AssignmentStatementAst] -and "$($n.Left)" -eq '$runErrors' }, $true)
        $counted = @($list.Right.FindAll({ param($n) $n -is [System.Management.Automation.Language.StringConstantExpressionAst] }, $true) | ForEach-Object Value)
        foreach ($id in $ids) {
            $counted | Should -Contain $id -Because "the module gives $id for how kmsdb ended or for a -Path it cannot use"
            if ($id -notin 'KmsdbFailed', 'KmsPathNotFileSystem') { $wholeCall | Should -Match "\b$id\b" -Because "$id is an error of the whole call" }
        }
    }

    # An error of the whole call (about_KmsEnrollment) is the run failing, not a record refused.
    It 'exits 2 when the database is <Name>, and logs why' -ForEach @(
        @{ Name = 'missing'; Id = 'KmsDatabaseNotFound,Get-KmsRecord' }
        @{ Name = 'locked by another run'; Id = 'KmsDatabaseLocked,Reset-KmsEnrollment' }
        @{ Name = 'named nowhere'; Id = 'KmsDatabaseNotGiven,Get-KmsRecord' }
    ) {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        if ($Name -eq 'missing') { $db = Join-Path $db 'Nowhere' }
        elseif ($Name -eq 'named nowhere') { $db = '' }
        else {
            $owner = @{ pid = $PID; host = [System.Net.Dns]::GetHostName(); started = '2026-01-01T00:00:00Z'; command = 'reset' } | ConvertTo-Json -Compress
            [System.IO.File]::WriteAllText((Join-Path $db '.kmsdb.lock'), $owner)
        }
        $log = Join-Path (New-TestFolder) 'kms-scheduled-reset.log'
        Invoke-Task -Database $db -LogPath $log | Should -Be 2
        $lines = @(Get-Content -LiteralPath $log -Encoding UTF8)
        ($lines | Where-Object { $_ -match " ERROR $([regex]::Escape($Id)) " }) | Should -Not -BeNullOrEmpty
        $lines[-1] | Should -Match ' END exit 2: 0 reset, 0 unchanged, 0 other, 1 refused or failed$'
    }

    It 'exits 2 when -Path is not a file-system path, and logs why' {
        $log = Join-Path (New-TestFolder) 'kms-scheduled-reset.log'
        $arguments = '-NoProfile -NonInteractive -File "{0}" -Path "Variable:/PSHOME" -LogPath "{1}" -Module "{2}"' -f $Script, $log, $ModuleManifest
        Invoke-TestProcess -FilePath $env:KMSDB_TEST_PWSH -ArgumentList $arguments | Should -Be 2
        $lines = @(Get-Content -LiteralPath $log -Encoding UTF8)
        ($lines | Where-Object { $_ -match ' ERROR KmsPathNotFileSystem,Get-KmsRecord ' }) | Should -Not -BeNullOrEmpty
        $lines[-1] | Should -Match ' END exit 2: 0 reset, 0 unchanged, 0 other, 1 refused or failed$'
    }

    It 'exits 2 when the run itself fails, and logs why' {
        $log = Join-Path (New-TestFolder) 'kms-scheduled-reset.log'
        # A module that is not installed: Import-Module fails, and the run cannot start.
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        Invoke-TestProcess -FilePath $env:KMSDB_TEST_PWSH -ArgumentList ('-NoProfile -NonInteractive -Command "& ''{0}'' -Path ''{1}'' -LogPath ''{2}'' -Module NoSuchKmsModule; exit $LASTEXITCODE"' -f $Script, $db, $log) |
            Should -Be 2
        Get-Content -Raw -LiteralPath $log | Should -Match 'ERROR Modules_ModuleNotFound.*NoSuchKmsModule'
        (Get-KmsRecord -Path $db).State | Should -Be 4
    }
}
