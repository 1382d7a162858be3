# What the module's objects carry, and that they are the same in both editions.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
}

Describe 'Record objects' {
    BeforeAll {
        $db = New-KmsDb @{
            'Ma.ini' = $Stuck -f 'jdoe'
            'Mb.ini' = "[Client]`r`nAlias = user3`r`nState = 4`r`n[X]`r`nState = 4`r`nNumSCerts = 2`r`n"
            'Mc.ini' = "[Client]`r`nDN = cn=asmith,ou=Site,o=Contoso`r`nState = 1`r`n"
        }
        $written = [datetime]::SpecifyKind([datetime]'2026-07-04T18:30:15', [System.DateTimeKind]::Utc)
        [System.IO.File]::SetLastWriteTimeUtc((Join-Path $db 'Ma.ini'), $written)
        $records = @(Get-KmsRecord -Path $db)
        $a = $records | Where-Object Id -EQ 'Ma'
        $b = $records | Where-Object Id -EQ 'Mb'
    }

    It 'have a local LastWriteTime and a LastWriteTimeUtc, as FileInfo has' {
        # Only where local time is not UTC does a UTC time shown as local differ from the right one.
        [TimeZoneInfo]::Local.GetUtcOffset($written) | Should -Not -Be ([TimeSpan]::Zero) -Because 'both lanes run in a time zone other than UTC (scripts/test-ps.mjs)'
        $a.LastWriteTimeUtc | Should -BeOfType [datetime]
        $a.LastWriteTimeUtc.Kind | Should -Be 'Utc'
        $a.LastWriteTimeUtc | Should -Be $written
        $a.LastWriteTime.Kind | Should -Be 'Local'
        $a.LastWriteTime | Should -Be $written.ToLocalTime()
        $a.LastWriteTime | Should -Be (Get-Item -LiteralPath (Join-Path $db 'Ma.ini')).LastWriteTime
    }

    It 'have an Alias beside the full-DN Mailbox, the name -Mailbox finds them by, in either DN form' {
        $a.Mailbox | Should -Be '/o=Contoso/ou=Site/cn=Recipients/cn=jdoe'
        $a.Alias | Should -Be 'jdoe'
        $b.Alias | Should -Be 'user3'
        $c = $records | Where-Object Id -EQ 'Mc'
        $c.Mailbox | Should -Be 'cn=asmith,ou=Site,o=Contoso'
        $c.Alias | Should -Be 'asmith'
        foreach ($r in $records) { (Get-KmsRecord -Path $db -Mailbox $r.Alias).Id | Should -Be $r.Id }
    }

    It 'export their warnings to CSV as text, code and message' {
        $b.Warnings | Should -Match 'duplicate-state|ambiguous-section'
        $file = Join-Path (New-TestFolder) 'r.csv'
        $records | Export-Csv -NoTypeInformation -LiteralPath $file
        Get-Content -Raw -LiteralPath $file | Should -Not -Match 'System\.Object\[\]|System\.String\[\]'
        $rows = Import-Csv -LiteralPath $file
        ($rows | Where-Object Id -EQ 'Mb').Warnings | Should -Be $b.Warnings
        ($rows | Where-Object Id -EQ 'Ma').Warnings | Should -Be ''
    }

    It 'round-trip through Export-Clixml with their warnings, times and types' {
        $file = Join-Path (New-TestFolder) 'r.xml'
        $records | Export-Clixml -LiteralPath $file
        $back = @(Import-Clixml -LiteralPath $file)
        $bb = $back | Where-Object Id -EQ 'Mb'
        $bb.Warnings | Should -Be $b.Warnings
        $bb.State | Should -BeOfType [int]
        ($back | Where-Object Id -EQ 'Ma').LastWriteTimeUtc | Should -Be $written
        $bb.PSObject.TypeNames | Should -Contain 'Deserialized.KmsEnrollment.Record'
    }

    It 'carry State and NumSCerts as Int32 and Size as Int64' {
        $b.State | Should -BeOfType [int]
        $b.NumSCerts | Should -BeOfType [int]
        $b.Size | Should -BeOfType [long]
        $a.NumSCerts | Should -BeNullOrEmpty
    }

    It 'are cast the same from what Windows PowerShell 5.1 parses (Int32, a string time) and what 7 parses (Int64, DateTime)' {
        $common = @{ id = 'X'; path = '/x/X.ini'; stateName = 'Recovery'; affected = $false; mailbox = $null; alias = $null; mailboxKey = $null; sha256 = $null; encoding = 'windows-1252'; lineEnding = 'CRLF'; warnings = @() }
        $from51 = [PSCustomObject](@{ state = [int]4; numSCerts = [int]1; size = [int]70; lastWriteTime = '2026-07-04T18:30:15.000Z' } + $common)
        $from7 = [PSCustomObject](@{ state = [long]4; numSCerts = [long]1; size = [long]70; lastWriteTime = $written } + $common)
        $m = Get-Module KmsEnrollment
        foreach ($raw in $from51, $from7) {
            $r = & $m { param($x) $x | ConvertTo-KmsRecord } $raw
            $r.State.GetType().FullName | Should -Be 'System.Int32'
            $r.NumSCerts.GetType().FullName | Should -Be 'System.Int32'
            $r.Size.GetType().FullName | Should -Be 'System.Int64'
            $r.LastWriteTimeUtc | Should -Be $written
            $r.LastWriteTimeUtc.Kind | Should -Be 'Utc'
        }
        $none = & $m { param($x) $x | ConvertTo-KmsRecord } ([PSCustomObject](@{ state = $null; numSCerts = $null; size = $null; lastWriteTime = $null } + $common))
        $none.State | Should -BeNullOrEmpty
        $none.Size | Should -BeNullOrEmpty
        $none.LastWriteTime | Should -BeNullOrEmpty
    }

    It 'show ComputerName in the default table view' {
        $text = $records | Format-Table | Out-String -Width 250
        $text | Should -Match 'Affected\s+ComputerName'
        $text | Should -Match ([regex]::Escape([Environment]::MachineName))
    }
}

Describe 'Reset and restore results' {
    BeforeAll {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $before = Get-Date
        $reset = @(Get-KmsRecord -Path $db -Affected | Reset-KmsEnrollment -Confirm:$false)
        $restored = @($reset | Restore-KmsEnrollment -Confirm:$false)
        $after = Get-Date
    }

    It 'carry the time they were made, as a local DateTime' {
        foreach ($r in $reset[0], $restored[0]) {
            $r.Time | Should -BeOfType [datetime]
            $r.Time.Kind | Should -Be 'Local'
            $r.Time | Should -BeGreaterOrEqual $before
            $r.Time | Should -BeLessOrEqual $after
        }
    }

    It 'carry PreviousState and State as Int32' {
        foreach ($r in $reset[0], $restored[0]) {
            $r.PreviousState | Should -BeOfType [int]
            $r.State | Should -BeOfType [int]
        }
    }

    It 'are cast the same from Int32 and Int64 numbers' {
        $m = Get-Module KmsEnrollment
        foreach ($n in [int]4, [long]4) {
            $r = & $m { param($n) ConvertTo-KmsChangeResult -Result ([PSCustomObject]@{ id = 'X'; path = '/x/X.ini'; mailbox = 'x'; alias = 'x'; status = 'reset'; previousState = $n; state = $n; backupPath = $null; message = $null; sha256Before = $null; sha256After = $null }) -TypeName 'KmsEnrollment.ResetResult' } $n
            $r.PreviousState.GetType().FullName | Should -Be 'System.Int32'
            $r.State.GetType().FullName | Should -Be 'System.Int32'
        }
    }

    It 'show ComputerName in the default table views' {
        $reset | Format-Table | Out-String -Width 250 | Should -Match 'BackupPath\s+ComputerName'
        $restored | Format-Table | Out-String -Width 250 | Should -Match 'RestoredFrom\s+ComputerName'
    }

    It 'carry the record''s Alias, which their table views show instead of the Mailbox DN' {
        foreach ($r in $reset[0], $restored[0]) {
            $r.Alias | Should -Be 'jdoe'
            $r.Mailbox | Should -Be '/o=Contoso/ou=Site/cn=Recipients/cn=jdoe'
            $r | Format-Table | Out-String -Width 250 | Should -Match '^\s*Id\s+Alias\s+Status\b'
        }
    }
}

Describe 'Audit log entries' {
    It 'have their time as a UTC DateTime, from a string (5.1) or a DateTime (7)' {
        $m = Get-Module KmsEnrollment
        $utc = [datetime]::SpecifyKind([datetime]'2026-11-25T08:00:00', [System.DateTimeKind]::Utc)
        foreach ($time in '2026-11-25T08:00:00.000Z', $utc) {
            $e = & $m { param($t) ConvertTo-KmsLogEntry -Entry ([PSCustomObject]@{ time = $t; event = 'reset'; id = 'Ma'; path = '/x/Ma.ini' }) } $time
            $e.time | Should -BeOfType [datetime]
            $e.time | Should -Be $utc
        }
        $bad = & $m { ConvertTo-KmsLogEntry -Entry ([PSCustomObject]@{ time = 'yesterday'; event = 'reset'; id = 'Ma'; path = '/x/Ma.ini' }) -ErrorVariable seen; $seen.Count }
        $bad[0].time | Should -BeNullOrEmpty
        $bad[1] | Should -Be 0
    }
}

Describe 'A path that does not exist' {
    It 'is an ItemNotFoundException with the ErrorId KmsPathNotFound and the path as TargetObject, also in catch' {
        $missing = Join-Path (New-TestFolder) 'no-such-folder'
        $caught = $null
        try { Get-KmsRecord -Path $missing -ErrorAction Stop } catch [System.Management.Automation.ItemNotFoundException] { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -Be 'KmsPathNotFound'
        $caught.TargetObject | Should -Be $missing
        $caught.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $caught.Exception.Message | Should -Be "Cannot find path '$missing' because it does not exist."

        Get-KmsRecord -Path $missing -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].Exception | Should -BeOfType [System.Management.Automation.ItemNotFoundException]
        $errors[0].FullyQualifiedErrorId | Should -Be 'KmsPathNotFound,Get-KmsRecord'
        $errors[0].TargetObject | Should -Be $missing
    }
}
