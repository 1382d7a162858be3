BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

    # A database with two stuck records (ANSI and UTF-16LE) and one that is not, reset through the module.
    function New-ResetDb {
        param([hashtable] $ResetOptions = @{})
        $texts = @{ 'Ma.ini' = $Stuck -f 'jdoe'; 'Mb.ini' = $Stuck -f 'asmith'; 'Mc.ini' = "[Client]`r`nState = 1`r`nAlias = carol`r`n" }
        $files = @{ 'Ma.ini' = $texts['Ma.ini']; 'Mc.ini' = $texts['Mc.ini'] }
        $files['Mb.ini'] = [byte[]](@(0xFF, 0xFE) + [System.Text.Encoding]::Unicode.GetBytes($texts['Mb.ini']))
        $db = New-KmsDb $files
        $before = @{}
        foreach ($name in $files.Keys) { $before[$name] = Get-Bytes (Join-Path $db $name) }
        $done = @(Get-KmsRecord -Path $db -Affected | Reset-KmsEnrollment -Confirm:$false @ResetOptions)
        $done.Count | Should -Be 2
        [PSCustomObject]@{ Db = $db; Before = $before; Done = $done; Log = Join-Path "$db.kmsdb-backup" 'kmsdb-audit.log' }
    }

    function Assert-AsBefore {
        param($Reset)
        foreach ($name in $Reset.Before.Keys) { Get-Bytes (Join-Path $Reset.Db $name) | Should -Be $Reset.Before[$name] -Because $name }
    }

    # Edits Ma.ini after its reset (a change that -AllowChangedSinceReset lets go), reads its hash as the admin
    # sees it then, and changes it once more: what a pin to that hash must refuse.
    function New-PinnedChange {
        param($Reset)
        $file = Join-Path $Reset.Db 'Ma.ini'
        $edited = (Get-ResetText ($Stuck -f 'jdoe')) + "Note = edited`r`n"
        [System.IO.File]::WriteAllBytes($file, $Latin1.GetBytes($edited))
        $seen = (Get-KmsRecord -Path $file).Sha256
        [System.IO.File]::AppendAllText($file, "Again = 1`r`n")
        [PSCustomObject]@{ File = $file; Edited = $edited; Seen = $seen }
    }
}

Describe 'Restore-KmsEnrollment' {
    AfterEach {
        Stop-KmsdbTrace
    }

    It 'is declared with SupportsShouldProcess and ConfirmImpact High' {
        $binding = (Get-Command Restore-KmsEnrollment).ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }
        $binding.SupportsShouldProcess | Should -BeTrue
        $binding.ConfirmImpact | Should -Be 'High'
    }

    It 'Get-KmsRecord -Affected | Reset-KmsEnrollment | Restore-KmsEnrollment leaves every record byte-identical, in one kmsdb restore' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe'; 'Mb.ini' = $Stuck -f 'asmith'; 'Mc.ini' = "[Client]`r`nState = 1`r`n" }
        $before = @{}
        foreach ($name in 'Ma.ini', 'Mb.ini', 'Mc.ini') { $before[$name] = Get-Bytes (Join-Path $db $name) }
        Start-KmsdbTrace
        $restored = @(Get-KmsRecord -Path $db -Affected | Reset-KmsEnrollment -Confirm:$false | Restore-KmsEnrollment -Confirm:$false)
        @($restored.Id) | Should -Be @('Ma', 'Mb')
        foreach ($name in $before.Keys) { Get-Bytes (Join-Path $db $name) | Should -Be $before[$name] }
        @(Get-KmsdbTrace) | Should -Be @('get', 'reset', 'restore')
    }

    It 'emits typed results that name the backup they restored from, with a table view' {
        $reset = New-ResetDb
        $restored = @($reset.Done | Restore-KmsEnrollment -Confirm:$false)
        Assert-AsBefore $reset
        $restored[0].PSObject.TypeNames[0] | Should -Be 'KmsEnrollment.RestoreResult'
        $restored.Status | Should -Be @('Restored', 'Restored')
        $restored.PreviousState | Should -Be @(1, 1)
        $restored.State | Should -Be @(4, 4)
        $restored.RestoredFrom | Should -Be $reset.Done.BackupPath
        $restored[0].Mailbox | Should -Be '/o=Contoso/ou=Site/cn=Recipients/cn=jdoe'
        # Its own backup holds what it replaced: the reset record.
        Get-Bytes $restored[0].BackupPath | Should -Be (ConvertTo-AnsiBase64 (Get-ResetText ($Stuck -f 'jdoe')))
        $restored | Format-Table | Out-String -Width 250 | Should -Match 'Id\s+Alias\s+Status\s+PreviousState\s+State\s+RestoredFrom'
        # Twice is safe: the records hold the backups' bytes already.
        @($reset.Done | Restore-KmsEnrollment -Confirm:$false).Status | Should -Be @('Unchanged', 'Unchanged')
        Assert-AsBefore $reset
    }

    It '-WhatIf writes nothing: kmsdb plans the restore, and is told to change nothing' {
        $reset = New-ResetDb
        $after = Get-Bytes (Join-Path $reset.Db 'Ma.ini')
        Start-KmsdbTrace
        $reset.Done | Restore-KmsEnrollment -WhatIf | Should -BeNullOrEmpty
        Get-KmsdbTrace | Should -Be @('restore')
        Get-KmsdbConfirmed | Should -Be @(0)
        Get-Bytes (Join-Path $reset.Db 'Ma.ini') | Should -Be $after
    }

    It 'restores from results saved with Export-Clixml and read back (deserialized)' {
        $reset = New-ResetDb
        $file = Join-Path (New-TestFolder) 'done.xml'
        $reset.Done | Export-Clixml -LiteralPath $file
        $restored = @(Import-Clixml -LiteralPath $file | Restore-KmsEnrollment -Confirm:$false)
        $restored.Status | Should -Be @('Restored', 'Restored')
        Assert-AsBefore $reset
    }

    It 'takes audit-log entries from the pipeline: the latest reset of each record that did not fail, never a restore' {
        $reset = New-ResetDb
        # Mb is reset a second time after a restore.
        $null = $reset.Done | Where-Object Id -EQ 'Mb' | Restore-KmsEnrollment -Confirm:$false
        $second = Get-KmsRecord -Path (Join-Path $reset.Db 'Mb.ini') | Reset-KmsEnrollment -Confirm:$false
        # A later reset of Ma that failed to write: its line and the failure's follow in the log.
        $attempt = @(Get-Content -LiteralPath $reset.Log -Encoding UTF8)[0] | ConvertFrom-Json
        $attempt.backupPath = $attempt.backupPath -replace '\.bak$', '-1.bak'
        Add-Content -LiteralPath $reset.Log -Value ($attempt | ConvertTo-Json -Compress) -Encoding UTF8
        $attempt.event = 'reset-failed'
        Add-Content -LiteralPath $reset.Log -Value ($attempt | ConvertTo-Json -Compress) -Encoding UTF8
        Start-KmsdbTrace
        $restored = @(Get-Content -LiteralPath $reset.Log -Encoding UTF8 | ConvertFrom-Json | Restore-KmsEnrollment -Confirm:$false)
        @($restored | ForEach-Object { '{0}:{1}' -f $_.Id, $_.Status } | Sort-Object) | Should -Be @('Ma:Restored', 'Mb:Restored')
        ($restored | Where-Object Id -EQ 'Mb').RestoredFrom | Should -Be $second.BackupPath
        ($restored | Where-Object Id -EQ 'Ma').RestoredFrom | Should -Be ($reset.Done | Where-Object Id -EQ 'Ma').BackupPath
        Assert-AsBefore $reset
        @(Get-KmsdbTrace) | Should -Be @('restore')
    }

    It '-LogPath with -Id restores only the named records, and names an id the log does not hold' {
        $reset = New-ResetDb
        $restored = @(Restore-KmsEnrollment -LogPath $reset.Log -Id 'ma', 'Mz' -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue)
        $restored.Id | Should -Be 'Ma'
        Get-Bytes (Join-Path $reset.Db 'Ma.ini') | Should -Be $reset.Before['Ma.ini']
        (Get-KmsRecord -Path (Join-Path $reset.Db 'Mb.ini')).State | Should -Be 1
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'KmsRestoreNotFound,Restore-KmsEnrollment'
        $problems[0].TargetObject | Should -Be 'Mz'
        # The rest of the log, without -Id.
        @(Restore-KmsEnrollment -LogPath $reset.Log -Confirm:$false | ForEach-Object { '{0}:{1}' -f $_.Id, $_.Status } | Sort-Object) | Should -Be @('Ma:Unchanged', 'Mb:Restored')
        Assert-AsBefore $reset
    }

    It '-LogPath stops at a log that is not one, and restores nothing' {
        $reset = New-ResetDb
        Add-Content -LiteralPath $reset.Log -Value 'not json' -Encoding UTF8
        { Restore-KmsEnrollment -LogPath $reset.Log -Confirm:$false } | Should -Throw -ErrorId 'KmsAuditLogInvalid,Restore-KmsEnrollment'
        (Get-KmsRecord -Path $reset.Db -Affected) | Should -BeNullOrEmpty
    }

    # A restore puts back what its backup holds: restoring a restore's backup resets the record again.
    It 'asks about a restore saying which way the State goes: <Name>' -ForEach @(
        @{ Name = 'a reset undone'; Undo = 1; Expected = '(State 1 to 4)' }
        @{ Name = 'a restore undone, which resets again'; Undo = 2; Expected = '(State 4 to 1)' }
    ) {
        $reset = New-ResetDb
        $piped = $reset.Done
        for ($i = 1; $i -lt $Undo; $i++) { $piped = @($piped | Restore-KmsEnrollment -Confirm:$false -ErrorAction Stop) }
        Mock -ModuleName KmsEnrollment Test-KmsConsent { $script:asked.Add($Action); $false }
        $script:asked = [System.Collections.Generic.List[string]]::new()
        $null = $piped | Restore-KmsEnrollment
        $script:asked.Count | Should -Be 2
        foreach ($action in $script:asked) { $action | Should -Match ('^Restore the KMS record from its backup .*' + [regex]::Escape($Expected) + '$') }
    }

    It 'says that an empty -BackupPath names no backup, in a sentence' {
        $thrown = @()
        Restore-KmsEnrollment -BackupPath '' -WhatIf -ErrorVariable thrown -ErrorAction SilentlyContinue
        $thrown.FullyQualifiedErrorId | Should -Be 'KmsBackupNotFound,Restore-KmsEnrollment'
        $thrown[0].Exception.Message | Should -BeExactly 'The input names no backup, so there is nothing to restore from it.'
    }

    It '-LogPath of a log that does not exist says so, in a sentence' {
        $missing = Join-Path (New-TestFolder) 'no-such.log'
        $thrown = $null
        try { Restore-KmsEnrollment -LogPath $missing -WhatIf } catch { $thrown = $_ }
        $thrown.FullyQualifiedErrorId | Should -Be 'KmsAuditLogInvalid,Restore-KmsEnrollment'
        $thrown.Exception.Message | Should -BeExactly "The audit log $missing cannot be read: it does not exist; nothing was restored."
    }

    It 'refuses a record changed since its reset, with the input as target, unless -AllowChangedSinceReset' {
        $reset = New-ResetDb
        $file = Join-Path $reset.Db 'Ma.ini'
        $edited = (Get-ResetText ($Stuck -f 'jdoe')) + "Note = edited`r`n"
        [System.IO.File]::WriteAllBytes($file, $Latin1.GetBytes($edited))
        $ma = $reset.Done | Where-Object Id -EQ 'Ma'
        $out = $ma | Restore-KmsEnrollment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'KmsRecordChangedSinceReset,Restore-KmsEnrollment'
        $problems[0].TargetObject | Should -Be $ma
        Get-Bytes $file | Should -Be (ConvertTo-AnsiBase64 $edited)
        ($ma | Restore-KmsEnrollment -Confirm:$false -AllowChangedSinceReset).Status | Should -Be 'Restored'
        Get-Bytes $file | Should -Be $reset.Before['Ma.ini']
    }

    It '-Sha256 restores only the record as it was then: one changed since is KmsRecordChanged, with -AllowChangedSinceReset too' {
        $reset = New-ResetDb
        $pin = New-PinnedChange $reset
        $file, $edited, $seen = $pin.File, $pin.Edited, $pin.Seen
        $ma = $reset.Done | Where-Object Id -EQ 'Ma'
        $out = $ma | Restore-KmsEnrollment -Sha256 $seen -AllowChangedSinceReset -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        @($problems | ForEach-Object { $_.FullyQualifiedErrorId }) | Should -Be @('KmsRecordChanged,Restore-KmsEnrollment')
        Get-Bytes $file | Should -Be (ConvertTo-AnsiBase64 ($edited + "Again = 1`r`n"))
        [System.IO.File]::WriteAllBytes($file, $Latin1.GetBytes($edited))
        ($ma | Restore-KmsEnrollment -Sha256 $seen -AllowChangedSinceReset -Confirm:$false).Status | Should -Be 'Restored'
        Get-Bytes $file | Should -Be $reset.Before['Ma.ini']
    }

    It '-Sha256 given on the command line but empty (<Case>) restores nothing: it does not mean "no pin"' -ForEach @(
        @{ Case = '$null, as from a Get-KmsRecord that found nothing'; Value = $null }
        @{ Case = 'an empty string'; Value = '' }
    ) {
        $reset = New-ResetDb
        $file = Join-Path $reset.Db 'Ma.ini'
        $changed = (Get-ResetText ($Stuck -f 'jdoe')) + "Note = edited`r`n"
        [System.IO.File]::WriteAllBytes($file, $Latin1.GetBytes($changed))
        $ma = $reset.Done | Where-Object Id -EQ 'Ma'
        # The admin meant to pin the record as seen; the hash came back empty, and the record changed since its reset.
        $out = try { $ma | Restore-KmsEnrollment -Sha256 $Value -AllowChangedSinceReset -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue } catch { $problems = @($_) }
        @($out | Where-Object { $_.PSObject.TypeNames -contains 'KmsEnrollment.RestoreResult' }) | Should -BeNullOrEmpty
        @($problems).Count | Should -BeGreaterThan 0
        Get-Bytes $file | Should -Be (ConvertTo-AnsiBase64 $changed)
    }

    It '-Sha256 given on the command line pins audit-log entries too: one changed since is KmsRecordChanged, with -AllowChangedSinceReset too' {
        $reset = New-ResetDb
        $pin = New-PinnedChange $reset
        $file, $edited, $seen = $pin.File, $pin.Edited, $pin.Seen
        # The admin pipes the log's line for Ma, and says which record it is to replace: the one seen.
        $entry = Get-Content -LiteralPath $reset.Log | ConvertFrom-Json | Where-Object id -EQ 'Ma'
        $out = $entry | Restore-KmsEnrollment -Sha256 $seen -AllowChangedSinceReset -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        @($problems | ForEach-Object { $_.FullyQualifiedErrorId }) | Should -Be @('KmsRecordChanged,Restore-KmsEnrollment')
        Get-Bytes $file | Should -Be (ConvertTo-AnsiBase64 ($edited + "Again = 1`r`n"))
    }

    It '-Path given on the command line with piped audit-log entries restores only records of that database folder, as with -LogPath' {
        # Two databases reset into one backup folder and log (Reset-KmsEnrollment -BackupFolder E:\KmsBackups -LogPath ...).
        $db1 = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $db2 = New-KmsDb @{ 'Mb.ini' = $Stuck -f 'asmith' }
        $shared = Join-Path (New-TestFolder) 'bak'
        $log = Join-Path $shared 'audit.log'
        $null = @(Get-KmsRecord -Path $db1, $db2 -Affected | Reset-KmsEnrollment -BackupFolder $shared -LogPath $log -Confirm:$false)
        $other = Get-Bytes (Join-Path $db2 'Mb.ini')
        # The admin pipes the log's lines and names the one database to put back.
        $out = @(Get-Content -LiteralPath $log | ConvertFrom-Json | Restore-KmsEnrollment -Path $db1 -BackupFolder $shared -LogPath $log -Confirm:$false -ErrorAction SilentlyContinue)
        @($out | ForEach-Object { '{0} {1}' -f $_.Id, $_.Status }) | Should -Be @('Ma Restored')
        Get-Bytes (Join-Path $db2 'Mb.ini') | Should -Be $other
    }

    It 'refuses <Case> as <ErrorId>, and writes nothing' -ForEach @(
        @{ Case = 'a backup outside the backup folder'; ErrorId = 'KmsBackupOutsideBackupFolder'; Tamper = { param($r) $copy = Join-Path (New-TestFolder) (Split-Path $r.BackupPath -Leaf); Copy-Item -LiteralPath $r.BackupPath -Destination $copy; $r.BackupPath = $copy } }
        @{ Case = 'a backup changed since the log recorded it'; ErrorId = 'KmsBackupMismatch'; Tamper = { param($r) [System.IO.File]::AppendAllText($r.BackupPath, "Extra = 1`r`n") } }
        @{ Case = 'a backup of another record'; ErrorId = 'KmsBackupMismatch'; Tamper = { param($r) $r.Path = $r.Path -replace 'Ma\.ini$', 'Mc.ini' } }
    ) {
        $reset = New-ResetDb
        $ma = ($reset.Done | Where-Object Id -EQ 'Ma') | Select-Object *
        & $Tamper $ma
        $snapshot = @{}
        foreach ($name in $reset.Before.Keys) { $snapshot[$name] = Get-Bytes (Join-Path $reset.Db $name) }
        $out = $ma | Restore-KmsEnrollment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $problems.Count | Should -Be 1
        ($problems[0].FullyQualifiedErrorId -split ',')[0] | Should -Be $ErrorId
        foreach ($name in $snapshot.Keys) { Get-Bytes (Join-Path $reset.Db $name) | Should -Be $snapshot[$name] }
    }

    It 'puts one backup back by hand, finding the record by the backup''s name' {
        $reset = New-ResetDb
        $ma = $reset.Done | Where-Object Id -EQ 'Ma'
        (Restore-KmsEnrollment -BackupPath $ma.BackupPath -Confirm:$false).Id | Should -Be 'Ma'
        Get-Bytes (Join-Path $reset.Db 'Ma.ini') | Should -Be $reset.Before['Ma.ini']
        $mb = $reset.Done | Where-Object Id -EQ 'Mb'
        (Restore-KmsEnrollment -BackupPath $mb.BackupPath -Path $reset.Db -Confirm:$false).Id | Should -Be 'Mb'
        Assert-AsBefore $reset
        $other = Join-Path (New-TestFolder) 'notes.txt'
        Set-Content -LiteralPath $other -Value 'x'
        { Restore-KmsEnrollment -BackupPath $other -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'KmsRestoreRecordUnknown,Restore-KmsEnrollment'
    }

    It 'says that a -BackupPath that does not exist does not exist (KmsBackupNotFound), naming it' {
        $missing = Join-Path (New-TestFolder) 'Ma.ini.20261125T101500123Z.bak'
        $null = Restore-KmsEnrollment -BackupPath $missing -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        @($problems.FullyQualifiedErrorId) | Should -Be @('KmsBackupNotFound,Restore-KmsEnrollment')
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems[0].Exception.Message | Should -BeLike "*$missing does not exist*"
        $problems[0].TargetObject | Should -Be $missing
    }

    It 'gives a missing backup in a default backup folder (a mistyped time) the same KmsBackupNotFound, a FileNotFoundException' {
        $db = New-KmsDb @{ 'Ma.ini' = "[Client]`r`nAlias = jdoe`r`nState = 1`r`n" }
        $folder = "$db.kmsdb-backup"
        $null = New-Item -ItemType Directory -Path $folder
        $missing = Join-Path $folder 'Ma.ini.20991125T101500123Z.bak'
        $null = Restore-KmsEnrollment -BackupPath $missing -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        @($problems.FullyQualifiedErrorId) | Should -Be @('KmsBackupNotFound,Restore-KmsEnrollment')
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems[0].Exception | Should -BeOfType [System.IO.FileNotFoundException]
        $problems[0].Exception.Message | Should -BeLike "*$missing*"
    }

    It 'passes over results whose reset changed nothing, without an error' {
        $db = New-KmsDb @{ 'Ma.ini' = "[Client]`r`nDN = /o=Contoso/ou=Site/cn=Recipients/cn=jdoe`r`nState = 1`r`n" }
        $unchanged = Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false
        $unchanged.Status | Should -Be 'Unchanged'
        Start-KmsdbTrace
        $out = $unchanged | Restore-KmsEnrollment -Confirm:$false -ErrorVariable problems
        $out | Should -BeNullOrEmpty
        $problems | Should -BeNullOrEmpty
        Get-KmsdbTrace | Should -BeNullOrEmpty
    }

    It 'uses the backup folder and log a reset was given, through -BackupFolder and -LogPath' {
        $elsewhere = New-TestFolder
        $log = Join-Path $elsewhere 'audit.log'
        $reset = New-ResetDb -ResetOptions @{ BackupFolder = (Join-Path $elsewhere 'bak'); LogPath = $log }
        $null = $reset.Done | Restore-KmsEnrollment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        @($problems | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) | Should -Be @('KmsBackupOutsideBackupFolder', 'KmsBackupOutsideBackupFolder')
        $problems[0].ErrorDetails.RecommendedAction | Should -Match 'as -BackupFolder'
        $restored = @($reset.Done | Restore-KmsEnrollment -BackupFolder (Join-Path $elsewhere 'bak') -LogPath $log -Confirm:$false)
        $restored.Status | Should -Be @('Restored', 'Restored')
        Assert-AsBefore $reset
        @(Get-Content -LiteralPath $log -Encoding UTF8 | ConvertFrom-Json).event | Should -Be @('reset', 'reset', 'restore', 'restore')
    }

    It 'starts one kmsdb process per batch' {
        $files = @{}
        foreach ($i in 1..5) { $files["M$i.ini"] = $Stuck -f "user$i" }
        $db = New-KmsDb $files
        $done = @(Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false)
        Start-KmsdbTrace
        @($done | Restore-KmsEnrollment -Confirm:$false -BatchSize 2).Count | Should -Be 5
        @(Get-KmsdbTrace) | Should -Be @('restore', 'restore', 'restore')
    }

    It 'restores log entries on this computer whatever computer a line names, and refuses those another computer wrote' {
        $reset = New-ResetDb
        Mock -ModuleName KmsEnrollment Invoke-Command { throw 'remoting was used' }
        $lines = @(Get-Content -LiteralPath $reset.Log -Encoding UTF8 | ConvertFrom-Json)
        $lines[0] | Add-Member -NotePropertyName ComputerName -NotePropertyValue 'evil.invalid'
        $lines[0] | Add-Member -NotePropertyName PSComputerName -NotePropertyValue 'evil.invalid'
        $lines[1].host = 'SRV1'
        $restored = @($lines | Restore-KmsEnrollment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue)
        Should -Invoke -ModuleName KmsEnrollment Invoke-Command -Times 0 -Exactly
        $restored.Id | Should -Be 'Ma'
        Get-Bytes (Join-Path $reset.Db 'Ma.ini') | Should -Be $reset.Before['Ma.ini']
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'KmsRestoreOtherComputer,Restore-KmsEnrollment'
        $problems[0].TargetObject | Should -Be $lines[1]
        (Get-KmsRecord -Path (Join-Path $reset.Db 'Mb.ini')).State | Should -Be 1
    }

    It '-LogPath with -Path takes the database folder however it is written, and says when the log has none of it' {
        $reset = New-ResetDb
        $sep = [System.IO.Path]::DirectorySeparatorChar
        @(Restore-KmsEnrollment -LogPath $reset.Log -Path ($reset.Db + $sep) -Confirm:$false).Count | Should -Be 2
        Assert-AsBefore $reset
        $other = New-KmsDb @{ 'Mz.ini' = $Stuck -f 'zoe' }
        $out = Restore-KmsEnrollment -LogPath $reset.Log -Path $other -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -Be 'KmsRestoreNotFound,Restore-KmsEnrollment'
    }

    It 'says to use -BackupFolder when -BackupPath names a folder' {
        $reset = New-ResetDb
        $out = $reset.Done | Restore-KmsEnrollment -BackupPath "$($reset.Db).kmsdb-backup" -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        @($problems).Count | Should -Be 2
        $problems[0].Exception.Message | Should -Match 'use -BackupFolder'
    }
}

Describe 'What a restore''s prompt and -WhatIf say' {
    # One text for a record of this computer (kmsdb's plan) and one of another server (the PlannedChange
    # that server sends back): the backup named, made printable, and which way the State goes.
    It 'is the same for kmsdb''s plan and for the plan another server sends, with the backup''s <Name>' -ForEach @(
        @{ Name = 'plain name'; Backup = '/db.kmsdb-backup/Ma.ini.20261125T072300123Z.bak'; Shown = '/db.kmsdb-backup/Ma.ini.20261125T072300123Z.bak' }
        @{ Name = 'escape sequence'; Backup = "/b/M`e[2Ja.ini.20261125T072300123Z.bak"; Shown = '/b/M\u001B[2Ja.ini.20261125T072300123Z.bak' }
    ) {
        $m = Get-Module KmsEnrollment
        $plan = [PSCustomObject]@{ id = 'Ma'; path = '/db/Ma.ini'; status = 'whatif'; previousState = 1; state = 4; restoredFrom = $Backup; sha256Before = $null; sha256After = $null; message = '' }
        $texts = & $m {
            param($Plan, $Backup)
            Get-KmsChangeActionText -Command restore -Plan $Plan
            Get-KmsChangeActionText -Command restore -Plan (ConvertTo-KmsPlannedChange -Plan $Plan) -Backup 'not this one'
            # A plan of an older module on another server, which says neither: the backup that was sent.
            Get-KmsChangeActionText -Command restore -Plan ([PSCustomObject]@{ Status = 'whatif' }) -Backup $Backup
        } $plan $Backup
        $texts[0] | Should -BeExactly "Restore the KMS record from its backup $Shown (State 1 to 4)"
        $texts[1] | Should -BeExactly $texts[0]
        $texts[2] | Should -BeExactly "Restore the KMS record from its backup $Shown"
    }
}
