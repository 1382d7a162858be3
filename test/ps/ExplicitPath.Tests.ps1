# An explicit -Path that is not a file-system folder, or a root that
# TrimEnd empties, is silently swapped for the settings file's database or the log's.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
}

Describe 'An explicit -Path, or piped input, is never swapped for the settings file database' {
    BeforeEach {
        $a = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $settings = Join-Path (New-TestFolder) 'kmsdb.ini'
        Set-Content -LiteralPath $settings -Value "[defaults]`ndatabase = $a"
        $env:KMSDB_CONFIG = $settings
    }
    AfterEach { Remove-Item Env:KMSDB_CONFIG -ErrorAction Ignore }

    It 'Reset-KmsEnrollment -Path <_> -Mailbox changes nothing in the settings database' -ForEach @('Function:\', 'Alias:\') {
        $before = Get-Bytes (Join-Path $a 'Ma.ini')
        { Reset-KmsEnrollment -Path $_ -Mailbox jdoe -Confirm:$false } | Should -Throw -ErrorId 'KmsPathNotResolved,Reset-KmsEnrollment'
        Get-Bytes (Join-Path $a 'Ma.ini') | Should -Be $before
    }

    # A list of users (Import-Csv users.csv) names mailboxes, not where they are: the settings file's
    # database is used only when no path is given in any form, and piped input is one.
    It 'Reset-KmsEnrollment with <Name> piped and no -Path changes nothing, with an error for each' -ForEach @(
        @{ Name = 'objects with a Mailbox'; Value = { @([pscustomobject]@{ Mailbox = 'jdoe' }, [pscustomobject]@{ Mailbox = 'j*' }) } }
        @{ Name = 'CSV rows with a Mailbox column'; Value = { "Mailbox`njdoe`nj*" | ConvertFrom-Csv } }
        @{ Name = 'objects whose mailbox a script block reads (-Mailbox { $_.Mailbox })'; Value = { @([pscustomobject]@{ Mailbox = 'jdoe' }, [pscustomobject]@{ Mailbox = 'j*' }) }; Bind = { $_.Mailbox } }
    ) {
        $before = Get-Bytes (Join-Path $a 'Ma.ini')
        $bound = @{}
        if ($Bind) { $bound['Mailbox'] = $Bind }
        $out = @(& $Value | Reset-KmsEnrollment @bound -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue)
        $out | Should -BeNullOrEmpty
        @($problems.FullyQualifiedErrorId) | Should -Be @('KmsDatabaseNotGiven,Reset-KmsEnrollment', 'KmsDatabaseNotGiven,Reset-KmsEnrollment')
        @($problems.TargetObject.Mailbox) | Should -Be @('jdoe', 'j*')
        Get-Bytes (Join-Path $a 'Ma.ini') | Should -Be $before
    }

    It 'Reset-KmsEnrollment -Path DB with mailboxes piped changes them in DB' {
        $b = New-KmsDb @{ 'Mb.ini' = $Stuck -f 'jdoe' }
        $out = @([pscustomobject]@{ Mailbox = 'jdoe' } | Reset-KmsEnrollment -Path $b -Confirm:$false -ErrorAction Stop)
        $out.Status | Should -Be 'Reset'
        $out.Path | Should -Be (Join-Path $b 'Mb.ini')
    }
}

Describe 'Restore -Path of a root folder is that folder' -Tag 'LinuxOnly' {
    It 'Restore-KmsEnrollment -Path / -LogPath LOG restores nothing outside /' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $null = Get-KmsRecord -Path $db -Affected | Reset-KmsEnrollment -Confirm:$false
        $after = Get-Bytes (Join-Path $db 'Ma.ini')
        Restore-KmsEnrollment -Path '/' -LogPath (Join-Path "$db.kmsdb-backup" 'kmsdb-audit.log') -Confirm:$false -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-Bytes (Join-Path $db 'Ma.ini') | Should -Be $after
    }
}

Describe 'What a prompt shows' {
    It 'names a record with its control characters escaped, so that a file name cannot recolour the terminal or forge a line' {
        & (Get-Module KmsEnrollment) { ConvertTo-KmsPrintable -Text "a`e[31mb`nkmsdb: forged`u{202E}x" } | Should -BeExactly 'a\u001B[31mb\u000Akmsdb: forged\u202Ex'
    }
}

Describe 'What errors and -Verbose show' -Tag 'LinuxOnly' {
    # File and folder names on Linux may hold any control character; Windows names cannot.
    It 'names a record and the backup folder with their control characters escaped, so that a file name cannot recolour the terminal or forge a line' {
        $db = New-KmsDb @{ "M`e[31mred`nkmsdb: forged.ini" = "[Client]`r`nAlias = x`r`nState = 2`r`n"; 'Mb.ini' = $Stuck -f 'jdoe' }
        $backups = Join-Path (New-TestFolder) "bk`e[35mX`nkmsdb: forged"
        $verbose = @(Reset-KmsEnrollment -Path $db -Mailbox * -BackupPath $backups -Confirm:$false -Verbose -ErrorVariable problems -ErrorAction SilentlyContinue 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        @($problems).Count | Should -Be 1
        $lines = @($verbose.Message) + @($problems | ForEach-Object { $_.Exception.Message; $_.ErrorDetails.Message } | Where-Object { $_ })
        @($verbose.Message -match 'backups go to').Count | Should -Be 1
        @($lines | Where-Object { $_ -match '[\u0000-\u001F\u007F]' }) | Should -BeNullOrEmpty
    }
}

Describe 'An empty -Path is never read as no -Path' {
    # $cfg.Database misspelt is $null: given as -Path, it names no folder, and "every database the log names" is not what was asked.
    It 'Restore-KmsEnrollment -LogPath LOG -Path <Name> restores nothing, in no database the log names' -ForEach @(
        @{ Name = '$null'; Value = $null }
        @{ Name = "''"; Value = '' }
    ) {
        $one = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $two = New-KmsDb @{ 'Mb.ini' = $Stuck -f 'asmith' }
        $log = Join-Path (New-TestFolder) 'audit.log'
        $null = Get-KmsRecord -Path $one, $two | Reset-KmsEnrollment -LogPath $log -Confirm:$false -ErrorAction Stop
        $before = @((Get-Bytes (Join-Path $one 'Ma.ini')), (Get-Bytes (Join-Path $two 'Mb.ini')))
        { Restore-KmsEnrollment -LogPath $log -Path $Value -Confirm:$false } | Should -Throw -ErrorId 'KmsPathNotResolved,Restore-KmsEnrollment'
        @((Get-Bytes (Join-Path $one 'Ma.ini')), (Get-Bytes (Join-Path $two 'Mb.ini'))) | Should -Be $before
    }

    It 'Restore-KmsEnrollment -BackupPath BAK -Path <Name> restores nothing, not even the record the backup was taken from' -ForEach @(
        @{ Name = '$null'; Value = $null }
        @{ Name = "''"; Value = '' }
    ) {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $done = Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false -ErrorAction Stop
        $before = Get-Bytes (Join-Path $db 'Ma.ini')
        { Restore-KmsEnrollment -BackupPath $done.BackupPath -Path $Value -Confirm:$false } | Should -Throw -ErrorId 'KmsPathNotResolved,Restore-KmsEnrollment'
        { $done | Restore-KmsEnrollment -Path $Value -Confirm:$false } | Should -Throw -ErrorId 'KmsPathNotResolved,Restore-KmsEnrollment'
        Get-Bytes (Join-Path $db 'Ma.ini') | Should -Be $before
    }

    It 'a piped item whose Path is <Name> restores nothing, with an error for it, and the next item still restores' -ForEach @(
        @{ Name = 'empty'; Value = '' }
        @{ Name = '$null'; Value = $null }
    ) {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe'; 'Mb.ini' = $Stuck -f 'asmith' }
        $done = @(Get-KmsRecord -Path $db | Sort-Object Path | Reset-KmsEnrollment -Confirm:$false -ErrorAction Stop)
        $reset = Get-Bytes (Join-Path $db 'Ma.ini')
        # A CSV of backups with the record's column left blank: the row names no record, not the one its backup was taken from.
        $items = @(
            [pscustomobject]@{ BackupPath = $done[0].BackupPath; Path = $Value }
            [pscustomobject]@{ BackupPath = $done[1].BackupPath; Path = $done[1].Path }
        )
        $restored = @($items | Restore-KmsEnrollment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue)
        @($problems.FullyQualifiedErrorId) | Should -Be @('KmsPathNotResolved,Restore-KmsEnrollment')
        $problems[0].TargetObject.BackupPath | Should -Be $done[0].BackupPath
        Get-Bytes (Join-Path $db 'Ma.ini') | Should -Be $reset
        $restored.Path | Should -Be @($done[1].Path)
        $restored.Status | Should -Be @('Restored')
    }

    It 'a piped item with no Path property restores the record its backup was taken from' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $done = Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false -ErrorAction Stop
        $restored = @([pscustomobject]@{ BackupPath = $done.BackupPath } | Restore-KmsEnrollment -Confirm:$false -ErrorAction Stop)
        $restored.Status | Should -Be @('Restored')
        $restored.Path | Should -Be @($done.Path)
    }

    It 'Restore-KmsEnrollment -Path { script block } takes each item''s own path' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $done = Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false -ErrorAction Stop
        $item = [pscustomobject]@{ BackupPath = $done.BackupPath; Record = $done.Path }
        $restored = @($item | Restore-KmsEnrollment -Path { $_.Record } -Confirm:$false -ErrorAction Stop)
        $restored.Status | Should -Be @('Restored')
    }
}
