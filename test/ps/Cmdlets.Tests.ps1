BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
}

Describe 'Get-KmsRecord' {
    AfterEach {
        Stop-KmsdbTrace
    }

    BeforeAll {
        $db = New-KmsDb @{
            'Ma.ini' = $Stuck -f 'jdoe'
            'Mb.ini' = ($Stuck -f 'user3') + "NumSCerts = 2`r`n"
            'Mc.ini' = "[Client]`r`nState = 1`r`nAlias = user30`r`n"
        }
    }

    It 'emits typed records with PascalCase properties' {
        $records = @(Get-KmsRecord -Path $db)
        $records.Count | Should -Be 3
        $records[0].PSObject.TypeNames[0] | Should -Be 'KmsEnrollment.Record'
        $a = $records | Where-Object Id -EQ 'Ma'
        $a.Path | Should -Be (Join-Path $db 'Ma.ini')
        $a.Mailbox | Should -Be '/o=Contoso/ou=Site/cn=Recipients/cn=jdoe'
        $a.State | Should -Be 4
        $a.StateName | Should -Be 'Recovery'
        $a.NumSCerts | Should -BeNullOrEmpty
        $a.Affected | Should -BeTrue
        $a.Sha256 | Should -Match '^[0-9a-f]{64}$'
        $a.LastWriteTime | Should -BeOfType [datetime]
        $a.ComputerName | Should -Be ([Environment]::MachineName)
        $a.Warnings | Should -BeOfType [string]
    }

    It 'shows the table view with the agreed columns' {
        $text = Get-KmsRecord -Path $db | Format-Table | Out-String -Width 200
        # The alias names the user in a few characters; a DN cut to the column's width loses its cn= first.
        $text | Should -Match 'Id\s+Alias\s+State\s+StateName\s+NumSCerts\s+Affected'
        (Get-KmsRecord -Path $db | Format-Table | Out-String -Width 80) | Should -Match '\buser3\b'
        $view = Get-FormatData -TypeName 'KmsEnrollment.Record'
        $view.TypeNames | Should -Contain 'Deserialized.KmsEnrollment.Record'
    }

    It 'filters with -Affected and -Mailbox' {
        @(Get-KmsRecord -Path $db -Affected).Id | Should -Be @('Ma')
        @(Get-KmsRecord -Path $db -Mailbox 'user3').Id | Should -Be @('Mb')
        @(Get-KmsRecord -Path $db -Mailbox 'USER3*', 'jdoe').Id | Should -Be @('Ma', 'Mb', 'Mc')
    }

    It 'binds Path from the pipeline by property name, and PSPath from Get-ChildItem, in one process' {
        Start-KmsdbTrace
        @([PSCustomObject]@{ Path = $db } | Get-KmsRecord).Count | Should -Be 3
        @(Get-ChildItem -LiteralPath $db -Filter '*.ini' | Get-KmsRecord).Id | Should -Be @('Ma', 'Mb', 'Mc')
        Get-KmsdbTrace | Should -Be @('get', 'get')
    }

    It 'takes wildcards in -Path and none in -LiteralPath' {
        @(Get-KmsRecord -Path (Join-Path $db 'M[ab].ini')).Id | Should -Be @('Ma', 'Mb')
        $odd = New-KmsDb @{ 'Mx.ini' = $Stuck -f 'x' } -Name 'Clients[1]'
        @(Get-KmsRecord -LiteralPath $odd).Id | Should -Be @('Mx')
    }

    It 'reports a missing path as a non-terminating error, and -ErrorAction Stop stops' {
        $out = @(Get-KmsRecord -Path (Join-Path $db 'nope'), $db -ErrorVariable problems -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 3
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'KmsPathNotFound,Get-KmsRecord'
        { Get-KmsRecord -Path (Join-Path $db 'nope') -ErrorAction Stop } | Should -Throw -ErrorId 'KmsPathNotFound,Get-KmsRecord'
    }

    It 'turns kmsdb progress into Write-Progress records' {
        $ps = [PowerShell]::Create()
        [void]$ps.AddCommand('Import-Module').AddParameter('Name', $ModuleManifest).AddStatement()
        [void]$ps.AddCommand('Get-KmsRecord').AddParameter('Path', $db)
        $records = $ps.Invoke()
        $records.Count | Should -Be 3
        $progress = @($ps.Streams.Progress)
        $progress.Count | Should -BeGreaterThan 0
        ($progress | Where-Object { $_.StatusDescription -eq '3 of 3' }) | Should -Not -BeNullOrEmpty
        $progress[-1].RecordType | Should -Be 'Completed'
        $ps.Dispose()
    }
}

Describe 'Reset-KmsEnrollment' {
    AfterEach {
        Stop-KmsdbTrace
    }

    It 'is declared with SupportsShouldProcess and ConfirmImpact High' {
        $binding = (Get-Command Reset-KmsEnrollment).ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }
        $binding.SupportsShouldProcess | Should -BeTrue
        $binding.ConfirmImpact | Should -Be 'High'
    }

    It 'resets piped records byte-exact and emits typed results' {
        $texts = @{ 'Ma.ini' = $Stuck -f 'jdoe'; 'Mb.ini' = $Stuck -f 'asmith'; 'Mc.ini' = "[Client]`r`nState = 1`r`n" }
        $db = New-KmsDb $texts
        $results = @(Get-KmsRecord -Path $db -Affected | Reset-KmsEnrollment -Confirm:$false)
        $results.Count | Should -Be 2
        $results[0].PSObject.TypeNames[0] | Should -Be 'KmsEnrollment.ResetResult'
        $results.Status | Should -Be @('Reset', 'Reset')
        $results.PreviousState | Should -Be @(4, 4)
        $results.State | Should -Be @(1, 1)
        $results[0].Mailbox | Should -Be '/o=Contoso/ou=Site/cn=Recipients/cn=jdoe'
        foreach ($name in 'Ma.ini', 'Mb.ini') {
            Get-Bytes (Join-Path $db $name) | Should -Be (ConvertTo-AnsiBase64 (Get-ResetText $texts[$name]))
        }
        Get-Bytes (Join-Path $db 'Mc.ini') | Should -Be (ConvertTo-AnsiBase64 $texts['Mc.ini'])
        Get-Bytes $results[0].BackupPath | Should -Be (ConvertTo-AnsiBase64 $texts['Ma.ini'])
        (Get-KmsRecord -Path $db -Affected | Reset-KmsEnrollment -Confirm:$false) | Should -BeNullOrEmpty
        (Get-KmsRecord -Path (Join-Path $db 'Ma.ini') | Reset-KmsEnrollment -Confirm:$false).Status | Should -Be 'Unchanged'
    }

    It 'shows the result table view' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $text = Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false | Format-Table | Out-String -Width 250
        $text | Should -Match 'Id\s+Alias\s+Status\s+PreviousState\s+State\s+BackupPath'
    }

    It '-WhatIf writes nothing: kmsdb plans the reset, and is told to change nothing' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $before = Get-Bytes (Join-Path $db 'Ma.ini')
        Start-KmsdbTrace
        $out = Get-KmsRecord -Path $db | Reset-KmsEnrollment -WhatIf
        $out | Should -BeNullOrEmpty
        Get-KmsdbTrace | Should -Be @('get', 'reset')
        Get-KmsdbConfirmed | Should -Be @(0)
        Get-Bytes (Join-Path $db 'Ma.ini') | Should -Be $before
        @(Get-ChildItem -LiteralPath (Split-Path $db) -Force).Name | Should -Be @('Clients')
    }

    It 'names the mailbox and the file when it asks' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        # -WhatIf's message goes to the host, so a host of its own shows it.
        $pwsh = $env:KMSDB_TEST_PWSH
        $script = "Import-Module '$ModuleManifest'; Get-KmsRecord -Path '$db' | Reset-KmsEnrollment -WhatIf"
        $text = (& $pwsh -NoProfile -NonInteractive -Command $script) -join ' '
        $text | Should -Match ([regex]::Escape('on target "/o=Contoso/ou=Site/cn=Recipients/cn=jdoe ({0})"' -f (Join-Path $db 'Ma.ini')))
        $text | Should -Match 'Reset KMS enrollment'
    }

    It 'refuses records as non-terminating errors that name the record' {
        $db = New-KmsDb @{
            'Ma.ini' = ($Stuck -f 'enrolled') + "NumSCerts = 1`r`n"
            'Mb.ini' = "[Client]`r`nState = 4`r`n[X]`r`nState = 4`r`n"
            'Mc.ini' = "[Client]`r`nState = 2`r`n"
            'Md.ini' = $Stuck -f 'jdoe'
        }
        $records = @(Get-KmsRecord -Path $db)
        $results = @($records | Reset-KmsEnrollment -Confirm:$false -ErrorVariable refused -ErrorAction SilentlyContinue)
        $results.Id | Should -Be @('Md')
        $refused.Count | Should -Be 3
        $refused.FullyQualifiedErrorId | Should -Be @('KmsRecordHasCertificates,Reset-KmsEnrollment', 'KmsRecordAmbiguous,Reset-KmsEnrollment', 'KmsRecordNotAffected,Reset-KmsEnrollment')
        $refused.CategoryInfo.Category | Should -Be @('InvalidOperation', 'InvalidData', 'InvalidOperation')
        $refused[0].TargetObject.Id | Should -Be 'Ma'
        $refused[0].TargetObject.PSObject.TypeNames[0] | Should -Be 'KmsEnrollment.Record'
        $refused[0].Exception.Message | Should -Match 'Ma\.ini: State is 4 but NumSCerts is 1.*-AllowNumSCerts'
    }

    It '-WhatIf refuses a read-only record as a real run does, and announces no change to it' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $file = Join-Path $db 'Ma.ini'
        Set-ItemProperty -LiteralPath $file -Name IsReadOnly -Value $true
        try {
            # What-if lines go to the host, which a process of its own shows on its stdout.
            $out = Join-Path (New-TestFolder) 'out.txt'
            $script = "Import-Module '$ModuleManifest'; Reset-KmsEnrollment -Path '$db' -Mailbox jdoe -WhatIf -ErrorVariable refused -ErrorAction SilentlyContinue; 'ids=' + (@(`$refused.FullyQualifiedErrorId) -join ',')"
            $null = Invoke-TestProcess -FilePath $env:KMSDB_TEST_PWSH -ArgumentList @('-NoProfile', '-NonInteractive', '-Command', $script) -StandardOutput $out
        } finally {
            Set-ItemProperty -LiteralPath $file -Name IsReadOnly -Value $false
        }
        $text = Get-Content -LiteralPath $out -Raw
        $text | Should -Match 'ids=KmsRecordReadOnly,Reset-KmsEnrollment\s'
        $text | Should -Not -Match 'What if'
    }

    # LinuxOnly: a database folder that takes files but lets none go takes chattr +a, as root; wine shows a
    # Windows process no such folder.
    It 'names a database that cannot be locked KmsDatabaseUnavailable, not KmsDatabaseNotFound' -Tag 'LinuxOnly' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        & chattr +a $db
        $LASTEXITCODE | Should -Be 0
        try {
            $err = { Reset-KmsEnrollment -Path $db -Mailbox jdoe -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        } finally {
            & chattr -a $db
            Remove-Item -LiteralPath (Join-Path $db '.kmsdb.lock*') -Force -ErrorAction Ignore
        }
        $err.FullyQualifiedErrorId | Should -Be 'KmsDatabaseUnavailable,Reset-KmsEnrollment'
        $err.Exception | Should -BeOfType [System.IO.IOException]
        $err.Exception | Should -Not -BeOfType [System.IO.DirectoryNotFoundException]
        $err.Exception.Message | Should -Match 'cannot be locked: access is denied'
        # A missing database (the settings file's, which only kmsdb reads) is KmsDatabaseNotFound: ScheduledTask.Tests.ps1.
    }

    It 'says what to do about a read-only record and a file that is no record, not only "See about_KmsEnrollment"' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe'; 'notes.txt' = "[Client]`r`nState = 4`r`n" }
        $file = Join-Path $db 'Ma.ini'
        Set-ItemProperty -LiteralPath $file -Name IsReadOnly -Value $true
        try {
            $null = Reset-KmsEnrollment $file -Confirm:$false -ErrorVariable readOnly -ErrorAction SilentlyContinue
        } finally {
            Set-ItemProperty -LiteralPath $file -Name IsReadOnly -Value $false
        }
        @($readOnly.FullyQualifiedErrorId) | Should -Be @('KmsRecordReadOnly,Reset-KmsEnrollment')
        $readOnly[0].ErrorDetails.RecommendedAction | Should -Match 'Set-ItemProperty -LiteralPath <file> -Name IsReadOnly -Value \$false\) and run Reset-KmsEnrollment again'
        $null = Reset-KmsEnrollment (Join-Path $db 'notes.txt') -Confirm:$false -ErrorVariable noRecord -ErrorAction SilentlyContinue
        @($noRecord.FullyQualifiedErrorId) | Should -Be @('KmsRecordNotARecord,Reset-KmsEnrollment')
        $noRecord[0].ErrorDetails.RecommendedAction | Should -Match 'Get-KmsRecord -Path <database folder> -Affected \| Reset-KmsEnrollment'
        Get-Bytes $file | Should -Be (ConvertTo-AnsiBase64 ($Stuck -f 'jdoe'))
    }

    It 'tells a restore of a read-only record to run Restore-KmsEnrollment again, not Reset-KmsEnrollment' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $file = Join-Path $db 'Ma.ini'
        $done = Reset-KmsEnrollment $file -Confirm:$false
        $done.Status | Should -Be 'Reset'
        Set-ItemProperty -LiteralPath $file -Name IsReadOnly -Value $true
        try {
            $null = $done | Restore-KmsEnrollment -Confirm:$false -ErrorVariable readOnly -ErrorAction SilentlyContinue
        } finally {
            Set-ItemProperty -LiteralPath $file -Name IsReadOnly -Value $false
        }
        @($readOnly.FullyQualifiedErrorId) | Should -Be @('KmsRecordReadOnly,Restore-KmsEnrollment')
        $readOnly[0].ErrorDetails.RecommendedAction | Should -Match 'and run Restore-KmsEnrollment again\.$'
    }

    It '-ErrorAction Stop stops the pipeline at the first refused record' {
        $db = New-KmsDb @{ 'Ma.ini' = "[Client]`r`nState = 2`r`n"; 'Mb.ini' = $Stuck -f 'jdoe' }
        { Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false -BatchSize 1 -ErrorAction Stop } | Should -Throw -ErrorId 'KmsRecordNotAffected,Reset-KmsEnrollment'
        (Get-KmsRecord -Path (Join-Path $db 'Mb.ini')).State | Should -Be 4
    }

    It '-Force only stops the prompts: a record with NumSCerts is still refused' {
        $db = New-KmsDb @{ 'Ma.ini' = ($Stuck -f 'enrolled') + "NumSCerts = 1`r`n"; 'Mb.ini' = $Stuck -f 'jdoe' }
        $results = @(Get-KmsRecord -Path $db | Reset-KmsEnrollment -Force -ErrorVariable refused -ErrorAction SilentlyContinue)
        $results.Id | Should -Be @('Mb')
        $refused.FullyQualifiedErrorId | Should -Be @('KmsRecordHasCertificates,Reset-KmsEnrollment')
        (Get-KmsRecord -Path (Join-Path $db 'Ma.ini')).State | Should -Be 4
    }

    It '-AllowNumSCerts resets State 4 with NumSCerts, and nothing else that is refused' {
        $db = New-KmsDb @{ 'Ma.ini' = ($Stuck -f 'enrolled') + "NumSCerts = 1`r`n"; 'Mb.ini' = "[Client]`r`nState = 2`r`n" }
        $results = @(Get-KmsRecord -Path $db | Reset-KmsEnrollment -AllowNumSCerts -Confirm:$false -ErrorVariable refused -ErrorAction SilentlyContinue)
        $results.Id | Should -Be @('Ma')
        $results.Status | Should -Be @('Reset')
        $refused.FullyQualifiedErrorId | Should -Be @('KmsRecordNotAffected,Reset-KmsEnrollment')
    }

    It 'refuses a record that changed after it was read' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $record = Get-KmsRecord -Path $db
        Add-Content -LiteralPath (Join-Path $db 'Ma.ini') -Value 'Edited = yes'
        $record | Reset-KmsEnrollment -Confirm:$false -ErrorVariable refused -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $refused[0].FullyQualifiedErrorId | Should -Be 'KmsRecordChanged,Reset-KmsEnrollment'
    }

    It 'finds records by -Mailbox in the -Path database folder' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'user3'; 'Mb.ini' = $Stuck -f 'user30' }
        (Reset-KmsEnrollment -Path $db -Mailbox 'user3' -Confirm:$false).Id | Should -Be 'Ma'
        (Get-KmsRecord -Path (Join-Path $db 'Mb.ini')).State | Should -Be 4
    }

    It 'passes -BackupPath and -LogPath through' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $elsewhere = New-TestFolder
        $result = Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false -BackupPath (Join-Path $elsewhere 'backups') -LogPath (Join-Path $elsewhere 'audit.log')
        Split-Path -Parent $result.BackupPath | Should -Be (Join-Path $elsewhere 'backups')
        $entry = Get-Content -LiteralPath (Join-Path $elsewhere 'audit.log') | ConvertFrom-Json
        $entry.id | Should -Be 'Ma'
        $entry.backupPath | Should -Be $result.BackupPath
    }

    It 'starts one kmsdb process per batch, never one per record' {
        $files = @{}
        foreach ($i in 1..7) { $files["M$i.ini"] = $Stuck -f "user$i" }
        $db = New-KmsDb $files
        Start-KmsdbTrace
        $results = @(Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false -BatchSize 3)
        $results.Count | Should -Be 7
        $trace = Get-KmsdbTrace
        @($trace | Where-Object { $_ -eq 'reset' }).Count | Should -Be ([Math]::Ceiling(7 / 3))
        @($trace | Where-Object { $_ -eq 'get' }).Count | Should -Be 1
    }

    It 'starts with small batches that double up to -BatchSize, so that kmsdb changes records while the rest are read' {
        $files = @{}
        foreach ($i in 1..200) { $files['M{0:d3}.ini' -f $i] = $Stuck -f "user$i" }
        $db = New-KmsDb $files
        Start-KmsdbTrace
        $results = @(Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false)
        $results.Count | Should -Be 200
        @($results.Status | Sort-Object -Unique) | Should -Be @('Reset')
        # In the order read, each result once.
        $results.Id | Should -Be @(1..200 | ForEach-Object { 'M{0:d3}' -f $_ })
        Get-KmsdbConfirmed | Should -Be @(64, 128, 8)
        # Run again, every record is Unchanged; -BatchSize caps the batches.
        Start-KmsdbTrace
        $again = @(Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false -BatchSize 100)
        @($again.Status | Sort-Object -Unique) | Should -Be @('Unchanged')
        Get-KmsdbConfirmed | Should -Be @(64, 100, 36)
    }

    It 'emits a batch''s results and errors before anything of the next batch, as if the batches ran one after another' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'a'; 'Mb.ini' = $Stuck -f 'b'; 'Mc.ini' = "[Client]`r`nState = 2`r`n"; 'Md.ini' = $Stuck -f 'd'; 'Me.ini' = "[Client]`r`nState = 3`r`n" }
        $seen = @(Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false -BatchSize 2 -ErrorAction Continue 2>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.ErrorRecord]) { '{0}:{1}' -f $_.TargetObject.Id, $_.FullyQualifiedErrorId.Split(',')[0] } else { '{0}:{1}' -f $_.Id, $_.Status }
            })
        $seen | Should -Be @('Ma:Reset', 'Mb:Reset', 'Mc:KmsRecordNotAffected', 'Md:Reset', 'Me:KmsRecordNotAffected')
    }

    It 'lets the batch kmsdb was told to change finish when a later command stops the pipeline, and changes nothing more' {
        $files = @{}
        foreach ($i in 1..400) { $files['M{0:d3}.ini' -f $i] = $Stuck -f "user$i" }
        $db = New-KmsDb $files
        $log = Join-Path (New-TestFolder) 'audit.log'
        Start-KmsdbTrace
        # A batch's results fill kmsdb's output once the first is taken, unless they are read.
        $first = @(Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false -LogPath $log | Select-Object -First 1)
        $first.Count | Should -Be 1
        $confirmed = (Get-KmsdbConfirmed | Measure-Object -Sum).Sum
        $confirmed | Should -BeGreaterThan 0
        $confirmed | Should -BeLessThan 400
        @(Get-KmsRecord -Path $db | Where-Object State -EQ 1).Count | Should -Be $confirmed
        @(Get-Content -LiteralPath $log).Count | Should -Be $confirmed
        & (Get-Module KmsEnrollment) { $script:KmsdbRuns.Count } | Should -Be 0
    }

    It 'lets the changes finish that a pipeline stopped by an earlier command had confirmed, before the next call changes anything' {
        $files = @{}
        foreach ($i in 1..6) { $files["M$i.ini"] = $Stuck -f "user$i" }
        $db = New-KmsDb $files
        $records = @(Get-KmsRecord -Path $db)
        # The input ends with an error while kmsdb changes the second batch: Reset-KmsEnrollment is not running then.
        { & { $records[0..3]; throw 'the input failed' } | Reset-KmsEnrollment -Confirm:$false -BatchSize 2 } | Should -Throw 'the input failed'
        $null = $records[4..5] | Reset-KmsEnrollment -Confirm:$false
        & (Get-Module KmsEnrollment) { $script:KmsdbRuns.Count } | Should -Be 0
        @(Get-KmsRecord -Path $db | Where-Object State -EQ 1).Count | Should -Be 6
    }

    It 'reports a locked database as an error of the call, after -LockTimeout' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $owner = @{ pid = $PID; host = [System.Net.Dns]::GetHostName(); started = '2026-01-01T00:00:00Z'; command = 'reset' } | ConvertTo-Json -Compress
        [System.IO.File]::WriteAllText((Join-Path $db '.kmsdb.lock'), $owner)
        Start-KmsdbTrace
        $null = Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false -LockTimeout 1 -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -Be 'KmsDatabaseLocked,Reset-KmsEnrollment'
        $problems[0].Exception.Message | Should -Match 'locked by kmsdb reset'
        $reset = @(Get-KmsdbTraceArgs | Where-Object { $_[0] -eq 'reset' })
        $reset.Count | Should -Be 1
        $reset[0][([array]::IndexOf($reset[0], '--wait') + 1)] | Should -Be '1'
    }
}

Describe 'Unattended runs' {
    It 'never prompts with -Confirm:$false or -Force, and the exit code tells success from failure' {
        $ok = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $bad = New-KmsDb @{ 'Ma.ini' = "[Client]`r`nState = 2`r`n" }
        $run = {
            param([string] $Db, [string] $Switch)
            $script = "Import-Module '$ModuleManifest'; Get-KmsRecord -Path '$Db' | Reset-KmsEnrollment $Switch -ErrorAction Stop | Out-Null"
            Invoke-TestProcess -FilePath $env:KMSDB_TEST_PWSH -ArgumentList @('-NoProfile', '-NonInteractive', '-Command', $script)
        }
        & $run $ok '-Confirm:$false' | Should -Be 0
        (Get-KmsRecord -Path $ok).State | Should -Be 1
        $forced = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        & $run $forced '-Force' | Should -Be 0
        (Get-KmsRecord -Path $forced).State | Should -Be 1
        # The check can see a prompt: without either switch, the prompt fails the non-interactive run.
        $asks = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        & $run $asks '' | Should -Be 1
        (Get-KmsRecord -Path $asks).State | Should -Be 4
        & $run $bad '-Force' | Should -Be 1
        (Get-KmsRecord -Path $bad).State | Should -Be 2
    }

    It 'refuses to change a database while the KMS service runs, and -AllowServiceRunning goes ahead with one warning' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'a'; 'Mb.ini' = $Stuck -f 'b' }
        $before = Get-Bytes (Join-Path $db 'Ma.ini')
        Mock -ModuleName KmsEnrollment Test-KmsServiceRunning { 'Running' }
        Start-KmsdbTrace
        $results = Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false -BatchSize 1 -ErrorVariable refused -ErrorAction SilentlyContinue
        $results | Should -BeNullOrEmpty
        @($refused.FullyQualifiedErrorId | Sort-Object -Unique) | Should -Be @('KmsServiceRunning,Reset-KmsEnrollment')
        @($refused).Count | Should -Be 2
        $refused[0].TargetObject.Path | Should -Be (Join-Path $db 'Ma.ini')
        Get-KmsdbTrace | Should -Be @('get')
        Get-Bytes (Join-Path $db 'Ma.ini') | Should -Be $before

        $results = Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false -BatchSize 1 -AllowServiceRunning -WarningVariable warnings -WarningAction SilentlyContinue
        @($results.Status) | Should -Be @('Reset', 'Reset')
        @($warnings).Count | Should -Be 1
        $warnings[0].Message | Should -Match 'MSExchangeKMS\) is running on .*-AllowServiceRunning'
        Should -Invoke -ModuleName KmsEnrollment Test-KmsServiceRunning -Times 2 -Exactly
    }

    It 'under -WhatIf, reports the refusal a real run would meet, and changes nothing' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'a' }
        $before = Get-Bytes (Join-Path $db 'Ma.ini')
        Mock -ModuleName KmsEnrollment Test-KmsServiceRunning { 'Running' }
        Get-KmsRecord -Path $db | Reset-KmsEnrollment -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable refused -ErrorAction SilentlyContinue
        @($warnings).Count | Should -Be 0
        @($refused.FullyQualifiedErrorId) | Should -Be @('KmsServiceRunning,Reset-KmsEnrollment')
        Get-Bytes (Join-Path $db 'Ma.ini') | Should -Be $before
    }

    It 'takes the database, the backup folder and the log from the settings file when no path is given' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe'; 'Mb.ini' = $Stuck -f 'asmith' }
        $folder = New-TestFolder
        $backups = Join-Path $folder 'backups'
        $log = Join-Path $folder 'audit.log'
        $settings = Join-Path $folder 'kmsdb.ini'
        Set-Content -LiteralPath $settings -Value "[defaults]`ndatabase = $db`nbackupDir = $backups`nlog = $log"
        $before = $env:KMSDB_CONFIG
        $env:KMSDB_CONFIG = $settings
        try {
            (Get-KmsRecord -Affected).Id | Should -Be @('Ma', 'Mb')
            $result = Get-KmsRecord -Mailbox jdoe | Reset-KmsEnrollment -Confirm:$false
        } finally {
            if ($null -eq $before) { Remove-Item Env:KMSDB_CONFIG -ErrorAction Ignore } else { $env:KMSDB_CONFIG = $before }
        }
        $result.Status | Should -Be 'Reset'
        Get-Bytes (Join-Path $db 'Ma.ini') | Should -Be (ConvertTo-AnsiBase64 (Get-ResetText ($Stuck -f 'jdoe')))
        Get-Bytes (Join-Path $db 'Mb.ini') | Should -Be (ConvertTo-AnsiBase64 ($Stuck -f 'asmith'))
        Split-Path -Parent $result.BackupPath | Should -Be $backups
        (Get-Content -LiteralPath $log -Encoding UTF8 | ConvertFrom-Json).path | Should -Be (Join-Path $db 'Ma.ini')
        Test-Path -LiteralPath "$db.kmsdb-backup" | Should -BeFalse
    }
}

Describe 'Errors of a whole call' {
    BeforeEach {
        $script:configBefore = $env:KMSDB_CONFIG
    }

    AfterEach {
        if ($null -eq $script:configBefore) { Remove-Item Env:KMSDB_CONFIG -ErrorAction Ignore } else { $env:KMSDB_CONFIG = $script:configBefore }
    }

    It 'says what is missing when neither -Path nor a settings file names the database' {
        $env:KMSDB_CONFIG = ''
        $null = Get-KmsRecord -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -Be 'KmsDatabaseNotGiven,Get-KmsRecord'
        $problems[0].Exception.Message | Should -Be '-Path is required (or a database in the settings file).'
    }
}
