# Nothing changes without the admin's consent: every cmdlet, every input form, every context.
# Changed files are counted by hash, and a record that is not changed is not backed up or logged.
BeforeDiscovery {
    # Each input form: the code that changes records, ending in the cmdlet, so that a context can add its switches.
    $Forms = @(
        @{ Name = 'reset, streamed'; Reset = $false; Changes = 2; Code = 'Get-KmsRecord -Path $case.Db -Affected | Reset-KmsEnrollment' }
        @{ Name = 'reset, from a variable'; Reset = $false; Changes = 2; Code = '$r = @(Get-KmsRecord -Path $case.Db -Affected); $r | Reset-KmsEnrollment' }
        @{ Name = 'reset, -Path and -Mailbox'; Reset = $false; Changes = 1; Code = 'Reset-KmsEnrollment -Path $case.Db -Mailbox jdoe' }
        @{ Name = 'reset, a file given positionally'; Reset = $false; Changes = 1; Code = 'Reset-KmsEnrollment (Join-Path $case.Db ''Ma.ini'')' }
        @{ Name = 'restore, piped results'; Reset = $true; Changes = 2; Code = '$case.Done | Restore-KmsEnrollment' }
        @{ Name = 'restore, -LogPath'; Reset = $true; Changes = 2; Code = 'Restore-KmsEnrollment -LogPath $case.Log -Path $case.Db' }
        @{ Name = 'restore, -BackupPath'; Reset = $true; Changes = 1; Code = 'Restore-KmsEnrollment -BackupPath $case.Backup -Path (Join-Path $case.Db ''Ma.ini'')' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

    # One case: a database with two stuck records (and one already fixed), and for the restore forms
    # the same database after a reset, with the reset's results, log and one backup.
    function New-ConsentCase {
        param([switch] $Reset)
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe'; 'Mb.ini' = $Stuck -f 'asmith'; 'Mc.ini' = "[Client]`r`nAlias = done`r`nState = 1`r`n" }
        $case = @{ Db = $db; Log = Join-Path "$db.kmsdb-backup" 'kmsdb-audit.log'; Done = @(); Backup = $null }
        if ($Reset) {
            # A setup that reset nothing would make every restore form pass as "changes nothing": it stops here instead.
            $case.Done = @(Get-KmsRecord -Path $db -Affected | Reset-KmsEnrollment -Confirm:$false -ErrorAction Stop)
            @($case.Done | Where-Object Status -EQ 'Reset').Count | Should -Be 2 -Because 'the restore forms start from a database that was reset'
            $case.Backup = ($case.Done | Where-Object Id -EQ 'Ma').BackupPath
        }
        $case.Before = Get-FolderHash $db
        $case.Backups = @(Get-ChildItem -LiteralPath "$db.kmsdb-backup" -Filter '*.bak' -ErrorAction Ignore).Count
        $case.LogLines = @(Get-Content -LiteralPath $case.Log -ErrorAction Ignore).Count
        $case
    }

    # Writes a script that runs a form's code on the case (in a background job with -InJob) and prints the
    # ErrorIds it got; -Run runs it as a test needs (its file, the file for its output); gives that output.
    function Invoke-UnattendedScript {
        param([hashtable] $Case, [string] $Code, [scriptblock] $Run, [switch] $InJob)
        $folder = New-TestFolder
        $state = Join-Path $folder 'case.clixml'
        $Case | Export-Clixml -LiteralPath $state
        $body = "Import-Module '$ModuleManifest'; `$case = Import-Clixml -LiteralPath '$state'; $Code -ErrorVariable problems -ErrorAction SilentlyContinue > `$null; 'ids=' + ((@(`$problems.FullyQualifiedErrorId) | Sort-Object -Unique) -join ',')"
        if ($InJob) { $body = "Receive-Job -Job (Start-Job -ScriptBlock ([scriptblock]::Create('$($body -replace "'", "''")'))) -Wait -AutoRemoveJob" }
        $file = Join-Path $folder 'fix.ps1'
        Set-Content -LiteralPath $file -Value $body
        $out = Join-Path $folder 'out.txt'
        & $Run $file $out
        Get-Content -LiteralPath $out -Raw
    }

    function Get-FolderHash {
        param([string] $Folder)
        $hashes = @{}
        foreach ($file in Get-ChildItem -LiteralPath $Folder -File) { $hashes[$file.Name] = Get-Bytes $file.FullName }
        $hashes
    }

    # How many records of the case changed, and whether anything was backed up or logged.
    function Get-Changed {
        param([hashtable] $Case)
        $now = Get-FolderHash $Case.Db
        $changed = @($Case.Before.Keys | Where-Object { $now[$_] -ne $Case.Before[$_] }).Count
        $backups = @(Get-ChildItem -LiteralPath "$($Case.Db).kmsdb-backup" -Filter '*.bak' -ErrorAction Ignore).Count - $Case.Backups
        $logged = @(Get-Content -LiteralPath $Case.Log -ErrorAction Ignore).Count - $Case.LogLines
        '{0} changed, {1} backed up, {2} logged' -f $changed, $backups, $logged
    }
}
Describe 'Consent' {
    It '<Name>: a non-interactive run without -Confirm:$false changes nothing, fails with KmsConfirmationNotPossible, and $? is False' -ForEach $Forms {
        $case = New-ConsentCase -Reset:$Reset
        $state = Join-Path (New-TestFolder) 'case.clixml'
        $case | Export-Clixml -LiteralPath $state
        $out = Join-Path (New-TestFolder) 'out.txt'
        $script = "Import-Module '$ModuleManifest'; `$case = Import-Clixml -LiteralPath '$state'; $Code -ErrorVariable problems -ErrorAction SilentlyContinue > `$null; `$ok = `$?; 'ok=' + `$ok; 'ids=' + ((@(`$problems.FullyQualifiedErrorId) | Sort-Object -Unique) -join ',')"
        $exitCode = Invoke-TestProcess -FilePath $env:KMSDB_TEST_PWSH -ArgumentList @('-NoProfile', '-NonInteractive', '-Command', $script) -StandardOutput $out
        $text = Get-Content -LiteralPath $out -Raw
        $text | Should -Match 'ok=False'
        $text | Should -Match 'ids=KmsConfirmationNotPossible,(Reset|Restore)-KmsEnrollment\s'
        $exitCode | Should -Be 0
        Get-Changed $case | Should -Be '0 changed, 0 backed up, 0 logged'
    }

    # A script run with its input redirected (echo | pwsh -File fix.ps1, a wrapper that feeds it lines) would
    # take each line as the answer, and an empty line is the prompt's default, Yes: no person was asked.
    It '<Name>: a script whose input is redirected changes nothing without -Confirm:$false, even when the input holds empty lines' -ForEach $Forms -Tag 'LinuxOnly' {
        $case = New-ConsentCase -Reset:$Reset
        Invoke-UnattendedScript -Case $case -Code $Code -Run {
            param($File, $Out)
            $null = Invoke-TestProcess -FilePath $env:KMSDB_TEST_PWSH -ArgumentList @('-NoProfile', '-File', $File) -StandardOutput $Out -StandardInput ("`n" * 20)
        } | Should -Match 'ids=KmsConfirmationNotPossible,(Reset|Restore)-KmsEnrollment\s'
        Get-Changed $case | Should -Be '0 changed, 0 backed up, 0 logged'
    }

    # At a terminal whose output goes to a file (pwsh -File fix.ps1 > out.txt), the prompt goes into the file:
    # the person sees nothing, and an Enter pressed at a script that seems to hang is the default, Yes.
    It '<Name>: a script whose output is redirected, at a terminal, changes nothing without -Confirm:$false' -ForEach $Forms -Tag 'LinuxOnly' {
        $case = New-ConsentCase -Reset:$Reset
        Invoke-UnattendedScript -Case $case -Code $Code -Run {
            param($File, $Out)
            # script(1) gives pwsh a terminal for its input; the Enters reach it there, some seconds in.
            $null = Invoke-TestProcess -FilePath 'bash' -ArgumentList @('-c', "(sleep 3; printf 'A\n\n\n\n') | script -qec `"'$env:KMSDB_TEST_PWSH' -NoProfile -File '$File' > '$Out'`" /dev/null")
        } | Should -Match 'ids=KmsConfirmationNotPossible,(Reset|Restore)-KmsEnrollment\s'
        Get-Changed $case | Should -Be '0 changed, 0 backed up, 0 logged'
    }

    # A background job's prompt goes to whatever receives the job: here a console whose input is redirected,
    # which would answer it from that input. The job cannot tell, so it asks nobody.
    It '<Name>: in a background job received by a script whose input is redirected, changes nothing without -Confirm:$false' -ForEach $Forms -Tag 'LinuxOnly' {
        $case = New-ConsentCase -Reset:$Reset
        Invoke-UnattendedScript -Case $case -Code $Code -InJob -Run {
            param($File, $Out)
            $null = Invoke-TestProcess -FilePath $env:KMSDB_TEST_PWSH -ArgumentList @('-NoProfile', '-File', $File) -StandardOutput $Out -StandardInput ("A`n" * 20)
        } | Should -Match 'ids=KmsConfirmationNotPossible,(Reset|Restore)-KmsEnrollment\s'
        Get-Changed $case | Should -Be '0 changed, 0 backed up, 0 logged'
    }

    It '<Name>: the caller''s -WhatIf holds, from a script that passes -Confirm:$false' -ForEach $Forms {
        $case = New-ConsentCase -Reset:$Reset
        $file = Join-Path (New-TestFolder) 'fix.ps1'
        Set-Content -LiteralPath $file -Value "[CmdletBinding(SupportsShouldProcess)] param(`$case)`n$Code -Confirm:`$false"
        & $file -case $case -WhatIf | Should -BeNullOrEmpty
        Get-Changed $case | Should -Be '0 changed, 0 backed up, 0 logged'
    }

    It '<Name>: the caller''s -WhatIf holds, from a function that passes -Force' -ForEach $Forms {
        $case = New-ConsentCase -Reset:$Reset
        $function = [scriptblock]::Create("[CmdletBinding(SupportsShouldProcess)] param(`$case)`n$Code -Force")
        & $function -case $case -WhatIf | Should -BeNullOrEmpty
        Get-Changed $case | Should -Be '0 changed, 0 backed up, 0 logged'
    }

    It '<Name>: $WhatIfPreference holds' -ForEach $Forms {
        $case = New-ConsentCase -Reset:$Reset
        $WhatIfPreference = $true
        try {
            & ([scriptblock]::Create("param(`$case) $Code -Confirm:`$false")) $case | Should -BeNullOrEmpty
        } finally {
            $WhatIfPreference = $false
        }
        Get-Changed $case | Should -Be '0 changed, 0 backed up, 0 logged'
    }

    # PowerShell takes any non-empty string as true, so compiled cmdlets (New-Item) only say what they would do
    # under $WhatIfPreference = 'False'; the cmdlets do the same, with no error of their own.
    It '<Name>: a $WhatIfPreference that PowerShell takes as true (''False'', a string) holds, without an error' -ForEach $Forms {
        $case = New-ConsentCase -Reset:$Reset
        $WhatIfPreference = 'False'
        try {
            & ([scriptblock]::Create("param(`$case) $Code -Confirm:`$false -ErrorVariable problems; `$problems")) $case | Should -BeNullOrEmpty
        } finally {
            $WhatIfPreference = $false
        }
        Get-Changed $case | Should -Be '0 changed, 0 backed up, 0 logged'
    }

    It '<Name>: -Force changes what a real run changes' -ForEach $Forms {
        $case = New-ConsentCase -Reset:$Reset
        & ([scriptblock]::Create("param(`$case) $Code -Force")) $case | Out-Null
        Get-Changed $case | Should -Be ('{0} changed, {0} backed up, {0} logged' -f $Changes)
    }

    It '<Name>: -Confirm:$false changes what a real run changes' -ForEach $Forms {
        $case = New-ConsentCase -Reset:$Reset
        & ([scriptblock]::Create("param(`$case) $Code -Confirm:`$false")) $case | Out-Null
        Get-Changed $case | Should -Be ('{0} changed, {0} backed up, {0} logged' -f $Changes)
    }

    It 'the caller''s -ErrorAction Stop and -Verbose reach the cmdlets through a script' {
        $db = New-KmsDb @{ 'Ma.ini' = "[Client]`r`nState = 2`r`n"; 'Mb.ini' = $Stuck -f 'b' }
        $file = Join-Path (New-TestFolder) 'fix.ps1'
        Set-Content -LiteralPath $file -Value "[CmdletBinding()] param(`$Database)`nGet-KmsRecord -Path `$Database | Reset-KmsEnrollment -Confirm:`$false -BatchSize 1`n'after'"
        { & $file -Database $db -ErrorAction Stop } | Should -Throw -ErrorId 'KmsRecordNotAffected,Reset-KmsEnrollment'
        $verbose = & $file -Database $db -ErrorAction SilentlyContinue -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        @($verbose | Where-Object Message -Match '^kmsdb reset: ').Count | Should -BeGreaterThan 0
    }
}

Describe '-WhatIf tells the truth' {
    It 'announces exactly the records that a real run changes, on a folder that holds refused records' {
        $files = @{
            'Ma.ini' = $Stuck -f 'a'; 'Mb.ini' = $Stuck -f 'b'; 'Mc.ini' = $Stuck -f 'c'
            'Md.ini' = "[Client]`r`nDN = /o=Contoso/ou=Site/cn=Recipients/cn=d`r`nState = 4`r`nState = 4`r`n"
            'Me.ini' = "[Client]`r`nDN = /o=Contoso/ou=Site/cn=Recipients/cn=e`r`nState = 4`r`n[A]`r`nNumSCerts = 1`r`n[B]`r`nNumSCerts = 2`r`n"
        }
        $db = New-KmsDb $files
        $out = Join-Path (New-TestFolder) 'out.txt'
        # Every record goes in, refused ones too: only kmsdb's plan can tell which would change.
        $script = "Import-Module '$ModuleManifest'; Get-KmsRecord -Path '$db' | Reset-KmsEnrollment -WhatIf -ErrorAction SilentlyContinue"
        $null = Invoke-TestProcess -FilePath $env:KMSDB_TEST_PWSH -ArgumentList @('-NoProfile', '-NonInteractive', '-Command', $script) -StandardOutput $out
        $announced = @(Get-Content -LiteralPath $out | Select-String -Pattern 'What if: .*\((.*)\)"\.' | ForEach-Object { Split-Path -Leaf $_.Matches[0].Groups[1].Value } | Sort-Object)
        $announced | Should -Be @('Ma.ini', 'Mb.ini', 'Mc.ini')
        $changed = @(Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false -ErrorAction SilentlyContinue | Where-Object Status -EQ 'Reset' | ForEach-Object { Split-Path -Leaf $_.Path } | Sort-Object)
        $changed | Should -Be $announced
    }
}

Describe 'Paths are what the admin named' {
    BeforeAll {
        $a = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'a' }
        $b = New-KmsDb @{ 'Mb.ini' = $Stuck -f 'b' }
        $settings = Join-Path (New-TestFolder) 'kmsdb.ini'
        Set-Content -LiteralPath $settings -Value "[defaults]`ndatabase = $a"
    }
    BeforeEach { $env:KMSDB_CONFIG = $settings }
    AfterEach { Remove-Item Env:KMSDB_CONFIG -ErrorAction Ignore }

    It 'reads an explicit -Path even when the pipeline brings nothing' {
        @(@() | Get-KmsRecord -Path $b).Id | Should -Be @('Mb')
    }

    It 'reads nothing when the pipeline was to bring paths and brought none, and resets nothing' {
        $before = Get-Bytes (Join-Path $a 'Ma.ini')
        Get-ChildItem -LiteralPath $b -Filter 'NoSuch*.ini' | Get-KmsRecord -Affected | Reset-KmsEnrollment -Confirm:$false | Should -BeNullOrEmpty
        Get-Bytes (Join-Path $a 'Ma.ini') | Should -Be $before
    }

    It 'uses the settings file''s database only when no path is given in any form' {
        @(Get-KmsRecord).Id | Should -Be @('Ma')
    }

    It '<Parameter> that cannot be resolved stops the call before anything is written' -ForEach @(
        @{ Parameter = 'BackupPath'; Call = { param($db) Reset-KmsEnrollment -Path $db -Mailbox a -BackupPath 'Q:\KmsBackups' -Confirm:$false } }
        @{ Parameter = 'LogPath'; Call = { param($db) Reset-KmsEnrollment -Path $db -Mailbox a -LogPath 'Q:\KmsBackups\kms.log' -Confirm:$false } }
        @{ Parameter = 'BackupFolder'; Call = { param($db) Restore-KmsEnrollment -LogPath (Join-Path $db 'x.log') -Path $db -BackupFolder 'Q:\KmsBackups' -Confirm:$false } }
    ) {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'a' }
        $before = Get-Bytes (Join-Path $db 'Ma.ini')
        Start-KmsdbTrace
        try {
            { & $Call $db } | Should -Throw -ErrorId "KmsPathNotResolved,*"
            Get-KmsdbTrace | Should -BeNullOrEmpty
        } finally {
            Stop-KmsdbTrace
        }
        Get-Bytes (Join-Path $db 'Ma.ini') | Should -Be $before
        Test-Path -LiteralPath "$db.kmsdb-backup" | Should -BeFalse
    }
}

Describe 'One source for what both languages know' {
    It 'every refusal code kmsdb can give has an ErrorId of its own' {
        $codes = @((Get-Content -LiteralPath (Join-Path $Root 'schemas/reset-result.schema.json') -Raw | ConvertFrom-Json).properties.code.enum | Where-Object { $_ })
        $file = Join-Path $Root 'ps-wrapper/Private/Write-KmsRefusal.ps1'
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($file, [ref]$null, [ref]$null)
        $map = $ast.Find({ param($n) $n -is [System.Management.Automation.Language.AssignmentStatementAst] -and $n.Left.Extent.Text -eq '$map' }, $true)
        $keys = @($map.Right.Expression.KeyValuePairs | ForEach-Object { $_.Item1.Value })
        $codes.Count | Should -BeGreaterThan 20
        @($codes | Where-Object { $keys -notcontains $_ }) | Should -BeNullOrEmpty
        @($keys | Where-Object { $codes -notcontains $_ }) | Should -BeNullOrEmpty
    }

    It 'every override kmsdb names has the switch that lifts it' {
        $overrides = @((Get-Content -LiteralPath (Join-Path $Root 'schemas/reset-result.schema.json') -Raw | ConvertFrom-Json).properties.override.enum)
        $file = Join-Path $Root 'ps-wrapper/Private/Write-KmsRefusal.ps1'
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($file, [ref]$null, [ref]$null)
        $map = $ast.Find({ param($n) $n -is [System.Management.Automation.Language.AssignmentStatementAst] -and $n.Left.Extent.Text -eq '$overrides' }, $true)
        $keys = @($map.Right.Expression.KeyValuePairs | ForEach-Object { $_.Item1.Value })
        @($overrides | Sort-Object) | Should -Be @($keys | Sort-Object)
    }

    It 'no message that a cmdlet user sees names a command-line option' {
        $db = New-KmsDb @{
            'Ma.ini' = "[Client]`r`nState = 4`r`nNumSCerts = 1`r`n"
            'Mb.ini' = "[Client]`r`nState = 4`r`n[A]`r`nNumSCerts = 1`r`n[B]`r`nNumSCerts = 2`r`n"
            'Mc.ini' = $Stuck -f 'c'
        }
        $seen = New-Object System.Collections.Generic.List[object]
        Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false -ErrorVariable +seen -ErrorAction SilentlyContinue | Out-Null
        # A record changed since its reset, an id the log does not hold, a backup folder inside the database.
        Set-Content -LiteralPath (Join-Path $db 'Mc.ini') -Value "[Client]`r`nState = 3`r`n"
        Restore-KmsEnrollment -LogPath (Join-Path "$db.kmsdb-backup" 'kmsdb-audit.log') -Path $db -Confirm:$false -ErrorVariable +seen -ErrorAction SilentlyContinue | Out-Null
        Restore-KmsEnrollment -LogPath (Join-Path "$db.kmsdb-backup" 'kmsdb-audit.log') -Path $db -Id 'Mzz' -Confirm:$false -ErrorVariable +seen -ErrorAction SilentlyContinue | Out-Null
        Reset-KmsEnrollment -Path $db -Mailbox c -BackupPath (Join-Path $db 'bak') -Confirm:$false -ErrorVariable +seen -ErrorAction SilentlyContinue | Out-Null
        Reset-KmsEnrollment -Path $db -Mailbox c -LogPath (Join-Path $db 'x.log') -Confirm:$false -ErrorVariable +seen -ErrorAction SilentlyContinue | Out-Null
        @($seen.FullyQualifiedErrorId | ForEach-Object { ($_ -split ',')[0] } | Sort-Object -Unique) | Should -Be @('KmsdbBadRequest', 'KmsRecordAmbiguous', 'KmsRecordChangedSinceReset', 'KmsRecordHasCertificates', 'KmsRestoreNotFound')
        foreach ($e in $seen) {
            $e.Exception.Message | Should -Not -Match '(^|\s|'')--[a-z]'
            if ($e.ErrorDetails) { $e.ErrorDetails.RecommendedAction | Should -Not -Match '(^|\s)--[a-z]' }
        }
        @($seen | Where-Object { $_.Exception.Message -match '-AllowNumSCerts' }).Count | Should -Be 1
        @($seen | Where-Object { $_.Exception.Message -match '-AllowChangedSinceReset' }).Count | Should -Be 1
    }
}
