# PowerShell remoting for real: OpenSSH servers on 127.0.0.1, each with the
# PowerShell subsystem, its own settings file and database folder, standing
# for KMS servers. Every process the tests start ends with them.
#
# LinuxOnly: the Windows lane runs under wine, which has neither sshd nor
# PowerShell's SSH subsystem (and no WinRM), so these run in the Linux lane only.
BeforeDiscovery {
    $script:SshReason = $null
    if (-not $IsLinux) { $script:SshReason = 'not Linux' }
    elseif ((& id -u) -ne '0') { $script:SshReason = 'not root (sshd must run as root)' }
    elseif (-not (Test-Path -LiteralPath '/usr/sbin/sshd')) { $script:SshReason = 'no /usr/sbin/sshd (apt-get install -y openssh-server)' }
    elseif (-not (Get-Command ssh -ErrorAction SilentlyContinue)) { $script:SshReason = 'no ssh client' }
    # Under CI the tests run, and fail in BeforeAll with the reason: a check that cannot run fails CI.
    $script:SkipRemoting = [bool]$script:SshReason -and $env:KMSDB_TEST_IN_CI -ne '1'
    if ($script:SkipRemoting -and $IsLinux) { Write-Warning "!!! REMOTING NOT TESTED: $($script:SshReason) !!!" }
}

Describe 'Remoting over SSH' -Tag 'LinuxOnly' -Skip:$SkipRemoting {
    BeforeAll {
        if ($SshReason) { throw "Remoting cannot be tested here: $SshReason" }
        . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
        Import-Module $ModuleManifest -Force

        $script:Work = New-TestFolder
        . (Join-Path $PSScriptRoot 'SshServers.ps1')
        Initialize-SshServers -Work $Work -ModuleFolder (Split-Path $ModuleManifest)

        $script:TextA = @{ 'Ma.ini' = $Stuck -f 'alice'; 'Mb.ini' = $Stuck -f 'bob'; 'Mc.ini' = "[Client]`r`nState = 1`r`nAlias = carol`r`n"; 'Md.ini' = ($Stuck -f 'dave') + "NumSCerts = 1`r`n" }
        $script:TextB = @{ 'Me.ini' = $Stuck -f 'erin'; 'Mf.ini' = $Stuck -f 'frank'; 'Mg.ini' = $Stuck -f 'grace' }
        $script:A = Start-TestServer -Name 'serverA' -Files $TextA
        $script:B = Start-TestServer -Name 'serverB' -Files $TextB
        $script:C = Start-TestServer -Name 'serverC' -Files @{ 'Mz.ini' = $Stuck -f 'zoe' } -WithModule $false
        $script:SessionA = New-TestSession $A
        $script:SessionB = New-TestSession $B
        $script:SessionC = New-TestSession $C

        # A copy of the built module in a folder of its own, for a server to run an older release of it:
        # the folder, its .psm1 and that file's text.
        function Copy-TestModule {
            $folder = Join-Path (New-TestFolder) 'modules'
            New-Item -ItemType Directory -Path $folder | Out-Null
            Copy-Item -LiteralPath (Split-Path $ModuleManifest) -Destination $folder -Recurse
            $psm1 = Join-Path $folder 'KmsEnrollment/KmsEnrollment.psm1'
            $folder, $psm1, [System.IO.File]::ReadAllText($psm1)
        }

        # Resets alice's record (Ma.ini) on $Server from a runspace whose host answers Yes for Ma.ini and changes
        # the record while it asks; edits the record after the reset (a change since it, which
        # -AllowChangedSinceReset lets go), then runs $Restore there: script text that sets $results (and
        # $lines, when it pipes log lines), and whose errors go to $problems. Returns what came back, and the prompts.
        function Invoke-PromptedRestore {
            param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)] [string] $Restore)
            if (-not ('KmsTest.PromptHost' -as [type])) { Add-Type -TypeDefinition (Get-Content -Raw -LiteralPath (Join-Path $PSScriptRoot 'PromptHost.cs')) }
            $file = Join-Path $Server.Database 'Ma.ini'
            $prompts = [KmsTest.PromptHost]::new()
            $prompts.Answers.YesFor = @('Ma.ini')
            $prompts.Answers.ChangeOnPrompt = 'Ma.ini'
            $prompts.Answers.ChangePath = $file
            $script = @'
param($Manifest, $Port, $Key, $File)
Import-Module $Manifest
$session = New-PSSession -HostName 127.0.0.1 -Port $Port -UserName root -KeyFilePath $Key -Options @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' } -ErrorAction Stop
$done = @(Get-KmsRecord -Session $session -Affected | Reset-KmsEnrollment -Confirm:$false)
[System.IO.File]::AppendAllText($File, "Edited = 1`r`n")
$lines = @()
'@ + "`n" + $Restore + @'

Remove-PSSession $session
[PSCustomObject]@{ Done = $done.Count; Lines = $lines.Count; Results = $results; Problems = @($problems | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) }
'@
            $runspace = [runspacefactory]::CreateRunspace($prompts)
            $runspace.Open()
            $shell = [powershell]::Create()
            $shell.Runspace = $runspace
            try {
                $out = $shell.AddScript($script).AddArgument($ModuleManifest).AddArgument($Server.Port).AddArgument((Join-Path $SshWork 'clientkey')).AddArgument($file).Invoke()
            } finally {
                $shell.Dispose()
                $runspace.Dispose()
            }
            [PSCustomObject]@{ Out = $out[0]; Prompts = @($prompts.Answers.Prompts); File = $file }
        }
    }

    AfterAll {
        Stop-SshServers
        # Nothing the tests started may outlive them: no sshd, no remote pwsh.
        $deadline = (Get-Date).AddSeconds(15)
        do {
            $left = @(& ps -eo 'pid=,args=' | Where-Object { $_ -match [regex]::Escape($Work) -and $_ -notmatch '\bps\b' })
            if ($left.Count -eq 0) { break }
            Start-Sleep -Milliseconds 200
        } while ((Get-Date) -lt $deadline)
        $left | Should -BeNullOrEmpty
    }

    It 'reads each server''s own database, with records that carry their server' {
        $records = @(Get-KmsRecord -Session $SessionA, $SessionB -Affected)
        @($records.Id | Sort-Object) | Should -Be @('Ma', 'Mb', 'Me', 'Mf', 'Mg')
        $records[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.KmsEnrollment.Record'
        $records[0].ComputerName | Should -Not -BeNullOrEmpty
        @($records | Where-Object { $_.Path.StartsWith($A.Database) }).Id | Sort-Object | Should -Be @('Ma', 'Mb')
        @($records | Where-Object { $_.Path.StartsWith($B.Database) }).Id | Sort-Object | Should -Be @('Me', 'Mf', 'Mg')
    }

    It 'shows deserialized records with the module''s table view' {
        $text = Get-KmsRecord -Session $SessionA -Affected | Format-Table | Out-String -Width 200
        $text | Should -Match 'Id\s+Alias\s+State\s+StateName\s+NumSCerts\s+Affected'
    }

    It 'changes nothing with -WhatIf' {
        $null = Get-KmsRecord -Session $SessionA, $SessionB -Affected | Reset-KmsEnrollment -WhatIf
        foreach ($name in $TextA.Keys) { Get-Bytes (Join-Path $A.Database $name) | Should -Be (ConvertTo-AnsiBase64 $TextA[$name]) }
        Test-Path -LiteralPath (Join-Path $B.Home 'Mgrent/Clients.kmsdb-backup') | Should -BeFalse
    }

    It 'announces with -WhatIf only the records a real run changes on the server, as it does for this computer''s' {
        $server = Start-TestServer -Name 'serverW' -Files $TextA
        $out = Join-Path (New-TestFolder) 'out.txt'
        $session = "New-PSSession -HostName 127.0.0.1 -Port $($server.Port) -UserName root -KeyFilePath '$(Join-Path $SshWork 'clientkey')' -Options @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' } -ErrorAction Stop"
        # Every record goes in, the unchanged and the refused too: only the server's plan can tell which would change.
        $script = "Import-Module '$ModuleManifest'; `$s = $session; Get-KmsRecord -Session `$s | Reset-KmsEnrollment -WhatIf -ErrorAction SilentlyContinue; Remove-PSSession `$s"
        $null = Invoke-TestProcess -FilePath $env:KMSDB_TEST_PWSH -ArgumentList @('-NoProfile', '-NonInteractive', '-Command', $script) -StandardOutput $out
        $announced = @(Get-Content -LiteralPath $out | Select-String -Pattern 'What if: .*\((.*)\)"\.' | ForEach-Object { Split-Path -Leaf $_.Matches[0].Groups[1].Value } | Sort-Object)
        $changed = @(Get-KmsRecord -Session (New-TestSession $server) | Reset-KmsEnrollment -Confirm:$false -ErrorAction SilentlyContinue | Where-Object Status -EQ 'Reset' | ForEach-Object { Split-Path -Leaf $_.Path } | Sort-Object)
        $changed | Should -Be @('Ma.ini', 'Mb.ini')
        $announced | Should -Be $changed
    }

    It 'asks only about the records the server would change, and changes there exactly the confirmed ones, as they were planned' {
        if (-not ('KmsTest.PromptHost' -as [type])) { Add-Type -TypeDefinition (Get-Content -Raw -LiteralPath (Join-Path $PSScriptRoot 'PromptHost.cs')) }
        $text = $TextA.Clone()
        $text['Me.ini'] = $Stuck -f 'erin'
        $server = Start-TestServer -Name 'serverP' -Files $text
        # Yes to alice and bob, no to erin; while bob is asked about, his record changes on the server.
        $prompts = [KmsTest.PromptHost]::new()
        $prompts.Answers.YesFor = @('Ma.ini', 'Mb.ini')
        $prompts.Answers.ChangeOnPrompt = 'Mb.ini'
        $prompts.Answers.ChangePath = Join-Path $server.Database 'Mb.ini'
        $runspace = [runspacefactory]::CreateRunspace($prompts)
        $runspace.Open()
        $shell = [powershell]::Create()
        $shell.Runspace = $runspace
        try {
            $null = $shell.AddScript({
                    param($Manifest, $Port, $Key)
                    Import-Module $Manifest
                    $session = New-PSSession -HostName 127.0.0.1 -Port $Port -UserName root -KeyFilePath $Key -Options @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' } -ErrorAction Stop
                    $results = @(Get-KmsRecord -Session $session | Reset-KmsEnrollment -Confirm -ErrorVariable problems -ErrorAction SilentlyContinue)
                    Remove-PSSession $session
                    [PSCustomObject]@{ Results = $results; Problems = @($problems | ForEach-Object { '{0} {1}' -f ($_.FullyQualifiedErrorId -split ',')[0], (Split-Path -Leaf ([string]$_.TargetObject.Path)) }) }
                }.ToString()).AddArgument($ModuleManifest).AddArgument($server.Port).AddArgument((Join-Path $SshWork 'clientkey'))
            $out = $shell.Invoke()
        } finally {
            $shell.Dispose()
            $runspace.Dispose()
        }
        @($prompts.Answers.Prompts | ForEach-Object { if ($_ -match '\(([^()]*)\)"\.$') { Split-Path -Leaf $Matches[1] } } | Sort-Object) | Should -Be @('Ma.ini', 'Mb.ini', 'Me.ini')
        $prompts.Answers.Prompts | ForEach-Object { $_ | Should -Match '(?m)^Performing the operation "Reset KMS enrollment: State 4 \(Recovery\) to 1 \(Undefined\)" on target "[^:]+: /o=Contoso' }
        # Carol's record is in State 1 already: nothing to ask, and reported as a real run reports it.
        @($out[0].Results | ForEach-Object { '{0} {1}' -f $_.Status, (Split-Path -Leaf $_.Path) } | Sort-Object) | Should -Be @('Reset Ma.ini', 'Unchanged Mc.ini')
        @($out[0].Problems | Sort-Object) | Should -Be @('KmsRecordChanged Mb.ini', 'KmsRecordHasCertificates Md.ini')
        Get-Bytes (Join-Path $server.Database 'Ma.ini') | Should -Be (ConvertTo-AnsiBase64 (Get-ResetText $text['Ma.ini']))
        Get-Bytes (Join-Path $server.Database 'Mb.ini') | Should -Be (ConvertTo-AnsiBase64 ($text['Mb.ini'] + "Changed = 1`r`n"))
        foreach ($name in 'Mc.ini', 'Md.ini', 'Me.ini') { Get-Bytes (Join-Path $server.Database $name) | Should -Be (ConvertTo-AnsiBase64 $text[$name]) }
    }

    It 'takes a prompt for a record of another server that cannot be shown as a no, and names only what the server would change' {
        $server = Start-TestServer -Name 'serverN' -Files $TextA
        $records = @(Get-KmsRecord -Session (New-TestSession $server))
        # This test process cannot prompt (-NonInteractive, or its input is redirected).
        $results = @($records | Reset-KmsEnrollment -Confirm -ErrorVariable problems -ErrorAction SilentlyContinue)
        # Carol's record is in State 1: nothing to ask, and reported as a real run reports it.
        @($results | ForEach-Object { '{0} {1}' -f $_.Status, (Split-Path -Leaf $_.Path) }) | Should -Be @('Unchanged Mc.ini')
        @($problems | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] } | Sort-Object) | Should -Be @('KmsConfirmationNotPossible', 'KmsConfirmationNotPossible', 'KmsRecordHasCertificates')
        @($problems | Where-Object { $_.FullyQualifiedErrorId -like 'KmsConfirmationNotPossible*' } | ForEach-Object { if ($_.Exception.Message -match '\(([^()]*)\): the change needs a confirmation') { Split-Path -Leaf $Matches[1] } } | Sort-Object) | Should -Be @('Ma.ini', 'Mb.ini')
        foreach ($name in $TextA.Keys) { Get-Bytes (Join-Path $server.Database $name) | Should -Be (ConvertTo-AnsiBase64 $TextA[$name]) }
    }

    It 'changes nothing on a server whose module cannot plan for another computer, and names it' {
        # An older module: the same cmdlets, without the plan for another computer.
        $old, $psm1, $text = Copy-TestModule
        $text.Contains('function Get-KmsChangePlan {') | Should -BeTrue
        [System.IO.File]::WriteAllText($psm1, $text.Replace('function Get-KmsChangePlan {', 'function Get-KmsChangePlanGone {'))
        $server = Start-TestServer -Name 'serverO' -Files $TextA -ModuleFolder $old
        $records = @(Get-KmsRecord -Session (New-TestSession $server) -Affected)
        $records.Count | Should -Be 2
        $before = @(Get-Content -LiteralPath (Join-Path $server.Home 'trace.ndjson')).Count
        $results = @($records | Reset-KmsEnrollment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue)
        $results | Should -BeNullOrEmpty
        @($problems | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) | Should -Be @('KmsModuleOutdated')
        $problems[0].Exception.Message | Should -Match ('module on ' + [regex]::Escape([Environment]::MachineName))
        @(Get-Content -LiteralPath (Join-Path $server.Home 'trace.ndjson') | Select-Object -Skip $before) | Should -BeNullOrEmpty
        foreach ($name in $TextA.Keys) { Get-Bytes (Join-Path $server.Database $name) | Should -Be (ConvertTo-AnsiBase64 $TextA[$name]) }
    }

    It 'takes this computer''s preferences, not those left in the session with the server, for its records' {
        $server = Start-TestServer -Name 'serverS' -Files $TextA
        $session = New-TestSession $server
        $records = @(Get-KmsRecord -Session $session)
        # The admin used the session before for other work: the module's calls there must not pick that up.
        Invoke-Command -Session $session { $global:WhatIfPreference = $true; $global:ErrorActionPreference = 'SilentlyContinue'; $global:WarningPreference = 'SilentlyContinue' }
        $results = @($records | Reset-KmsEnrollment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue)
        @($results | ForEach-Object { '{0} {1}' -f $_.Status, (Split-Path -Leaf $_.Path) } | Sort-Object) | Should -Be @('Reset Ma.ini', 'Reset Mb.ini', 'Unchanged Mc.ini')
        @($problems | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) | Should -Be @('KmsRecordHasCertificates')
        foreach ($name in 'Ma.ini', 'Mb.ini') { Get-Bytes (Join-Path $server.Database $name) | Should -Be (ConvertTo-AnsiBase64 (Get-ResetText $TextA[$name])) }
    }

    It 'resets the records of a server whose database folder is reached through a link, as it does this computer''s' {
        $server = Start-TestServer -Name 'serverL' -Files $TextA
        # A folder mounted or linked into the path (a volume mount point, a junction): kmsdb plans the real path.
        $link = Join-Path $server.Home 'Linked'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target (Join-Path $server.Home 'Mgrent')
        Set-Content -LiteralPath (Join-Path $server.Home 'kmsdb.ini') -Value "[defaults]`ndatabase = $(Join-Path $link 'Clients')"
        $records = @(Get-KmsRecord -Session (New-TestSession $server) -Affected)
        @($records | ForEach-Object { Split-Path -Parent $_.Path } | Sort-Object -Unique) | Should -Be @(Join-Path $link 'Clients')
        $results = @($records | Reset-KmsEnrollment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue)
        @($problems | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) | Should -Be @()
        @($results | ForEach-Object { '{0} {1}' -f $_.Status, (Split-Path -Leaf $_.Path) } | Sort-Object) | Should -Be @('Reset Ma.ini', 'Reset Mb.ini')
        foreach ($name in 'Ma.ini', 'Mb.ini') { Get-Bytes (Join-Path $server.Database $name) | Should -Be (ConvertTo-AnsiBase64 (Get-ResetText $TextA[$name])) }
    }

    It 'names a server whose module is missing' {
        $out = Get-KmsRecord -Session $SessionC -Affected -ErrorVariable problems -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -Match '^KmsModuleNotInstalled'
        $problems[0].Exception.Message | Should -Match ('not installed on ' + [regex]::Escape([Environment]::MachineName))
    }

    It 'resets each record on the server it came from, batched per server, byte-exact on both sides' {
        $records = @(Get-KmsRecord -Session $SessionA, $SessionB | Where-Object { $_.Affected -or $_.NumSCerts })
        $before = @(Get-Content -LiteralPath (Join-Path $B.Home 'trace.ndjson')).Count
        $results = @($records | Reset-KmsEnrollment -Confirm:$false -BatchSize 2 -ErrorVariable refused -ErrorAction SilentlyContinue)
        @($results.Id | Sort-Object) | Should -Be @('Ma', 'Mb', 'Me', 'Mf', 'Mg')
        @($results.Status | Sort-Object -Unique) | Should -Be @('Reset')
        $results[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.KmsEnrollment.ResetResult'
        $refused.Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId | Should -Match '^KmsRecordHasCertificates'

        foreach ($name in 'Ma.ini', 'Mb.ini') { Get-Bytes (Join-Path $A.Database $name) | Should -Be (ConvertTo-AnsiBase64 (Get-ResetText $TextA[$name])) }
        foreach ($name in 'Mc.ini', 'Md.ini') { Get-Bytes (Join-Path $A.Database $name) | Should -Be (ConvertTo-AnsiBase64 $TextA[$name]) }
        foreach ($name in $TextB.Keys) { Get-Bytes (Join-Path $B.Database $name) | Should -Be (ConvertTo-AnsiBase64 (Get-ResetText $TextB[$name])) }
        @(Get-ChildItem -LiteralPath (Join-Path $B.Home 'Mgrent/Clients.kmsdb-backup') -Filter '*.bak').Count | Should -Be 3

        # Server B's three records went to it in batches of two: each batch planned there (what-if), then
        # changed by a kmsdb reset process of its own.
        $resets = @(Get-Content -LiteralPath (Join-Path $B.Home 'trace.ndjson') | Select-Object -Skip $before | ConvertFrom-Json | Where-Object { $_.PSObject.Properties['argv'] -and $_.argv[0] -eq 'reset' })
        @($resets | Where-Object { $_.argv -contains '--what-if' }).Count | Should -Be 2
        @($resets | Where-Object { $_.argv -notcontains '--what-if' }).Count | Should -Be 2
    }

    It 'resets two servers at the same time: their kmsdb runs overlap' {
        $d = Start-TestServer -Name 'serverD' -Files @{ 'Mp.ini' = $Stuck -f 'pat' }
        $e = Start-TestServer -Name 'serverE' -Files @{ 'Mq.ini' = $Stuck -f 'quinn' }
        $sessions = @((New-TestSession $d), (New-TestSession $e))
        $records = @(Get-KmsRecord -Session $sessions -Affected)
        # Both databases stay locked until both servers' kmsdb resets have started, so each waits for
        # the other: one server after the other can never get there (the first would wait out its
        # -LockTimeout and fail). A start is the trace's reset line, written before the lock is tried; the
        # plan before it (--what-if) takes no lock.
        $owner = @{ pid = $PID; host = [System.Net.Dns]::GetHostName(); started = '2026-01-01T00:00:00Z'; command = 'reset' } | ConvertTo-Json -Compress
        $locks = foreach ($server in $d, $e) { Join-Path $server.Database '.kmsdb.lock' }
        foreach ($lock in $locks) { [System.IO.File]::WriteAllText($lock, $owner) }
        $watcher = Start-ThreadJob -ArgumentList (Join-Path $d.Home 'trace.ndjson'), (Join-Path $e.Home 'trace.ndjson'), $locks -ScriptBlock {
            param($traceD, $traceE, $locks)
            $deadline = (Get-Date).AddSeconds(60)
            while ((Get-Date) -lt $deadline -and -not ((Select-String -LiteralPath $traceD -Pattern '"argv":\["reset"(?!.*"--what-if")' -Quiet) -and (Select-String -LiteralPath $traceE -Pattern '"argv":\["reset"(?!.*"--what-if")' -Quiet))) { Start-Sleep -Milliseconds 50 }
            # A dot file is hidden to PowerShell on Linux: -Force.
            if ((Get-Date) -lt $deadline) { Remove-Item -LiteralPath $locks -Force }
        }
        try {
            $results = @($records | Reset-KmsEnrollment -Confirm:$false -LockTimeout 30)
        } finally {
            $watcher | Stop-Job -PassThru | Remove-Job
            Remove-Item -LiteralPath $locks -Force -ErrorAction Ignore
        }
        @($results.Id | Sort-Object) | Should -Be @('Mp', 'Mq')
        $span = foreach ($server in $d, $e) {
            $events = @(Get-Content -LiteralPath (Join-Path $server.Home 'trace.ndjson') | ConvertFrom-Json)
            $start = $events | Where-Object { $_.PSObject.Properties['argv'] -and $_.argv[0] -eq 'reset' -and $_.argv -notcontains '--what-if' } | Select-Object -Last 1
            $end = $events | Where-Object { $_.PSObject.Properties['exit'] -and $_.pid -eq $start.pid }
            [PSCustomObject]@{ Start = $start.time; End = $end.time }
        }
        $span[0].Start | Should -BeLessThan $span[1].End
        $span[1].Start | Should -BeLessThan $span[0].End
    }

    It 'finishes the other servers'' resets when one server fails' {
        $f = Start-TestServer -Name 'serverF' -Files @{ 'Mr.ini' = $Stuck -f 'rene' }
        $g = Start-TestServer -Name 'serverG' -Files @{ 'Ms.ini' = $Stuck -f 'sam' }
        $h = Start-TestServer -Name 'serverH' -Files @{ 'Mt.ini' = $Stuck -f 'tess' }
        $sessionF = New-TestSession $f
        $records = @(Get-KmsRecord -Session $sessionF, (New-TestSession $g), (New-TestSession $h) -Affected)
        # F's database is locked by another run for good; C has no module.
        [System.IO.File]::WriteAllText((Join-Path $f.Database '.kmsdb.lock'), (@{ pid = $PID; host = [System.Net.Dns]::GetHostName(); started = '2026-01-01T00:00:00Z'; command = 'reset' } | ConvertTo-Json -Compress))
        $orphan = [PSCustomObject]@{ Path = (Join-Path $C.Database 'Mz.ini'); Sha256 = ('0' * 64); PSComputerName = 'serverC'; RunspaceId = $SessionC.InstanceId }
        $results = @(@($orphan) + $records | Reset-KmsEnrollment -Confirm:$false -LockTimeout 0 -ErrorVariable problems -ErrorAction SilentlyContinue)
        @($results.Id | Sort-Object) | Should -Be @('Ms', 'Mt')
        @($problems.FullyQualifiedErrorId | ForEach-Object { ($_ -split ',')[0] } | Sort-Object) | Should -Be @('KmsDatabaseLocked', 'KmsModuleNotInstalled')
        @($problems | Where-Object { $_.FullyQualifiedErrorId -like 'KmsDatabaseLocked*' }).OriginInfo.PSComputerName | Should -Not -BeNullOrEmpty
        (Get-KmsRecord -Path (Join-Path $f.Database 'Mr.ini')).State | Should -Be 4
    }

    It 'changes nothing on the server with -WhatIf: kmsdb there only plans, what-if, and is told to change nothing' {
        $server = Start-TestServer -Name 'serverV' -Files $TextA
        $trace = Join-Path $server.Home 'trace.ndjson'
        $records = @(Get-KmsRecord -Session (New-TestSession $server))
        $before = @(Get-Content -LiteralPath $trace).Count
        $null = $records | Reset-KmsEnrollment -WhatIf -ErrorAction SilentlyContinue
        $events = @(Get-Content -LiteralPath $trace | Select-Object -Skip $before | ConvertFrom-Json)
        $starts = @($events | Where-Object { $_.PSObject.Properties['argv'] })
        # One kmsdb run there, which planned the records: as a what-if run, whose answer changes nothing whatever it says.
        @($starts | ForEach-Object { $_.argv[0] }) | Should -Be @('reset')
        $starts[0].argv | Should -Contain '--what-if'
        @($events | Where-Object { $_.PSObject.Properties['confirmed'] } | ForEach-Object { [int]$_.confirmed }) | Should -Be @(0)
        foreach ($name in $TextA.Keys) { Get-Bytes (Join-Path $server.Database $name) | Should -Be (ConvertTo-AnsiBase64 $TextA[$name]) }
        Test-Path -LiteralPath (Join-Path $server.Home 'Mgrent/Clients.kmsdb-backup') | Should -BeFalse
    }

    It 'refuses a restore with -AllowChangedSinceReset of a record of another server that changed after it was planned, as for this computer''s' {
        $server = Start-TestServer -Name 'serverR' -Files @{ 'Ma.ini' = $Stuck -f 'alice' }
        # The admin says yes to alice's restore, knowing her record changed since its reset; while the prompt
        # is shown, it changes again (the user enrolls): that is not what was planned and asked about.
        $run = Invoke-PromptedRestore -Server $server -Restore '$results = @($done | Restore-KmsEnrollment -Confirm -AllowChangedSinceReset -ErrorVariable problems -ErrorAction SilentlyContinue)'
        $file = $run.File
        $run.Out.Done | Should -Be 1
        $run.Prompts.Count | Should -Be 1
        # The prompt says which way the State goes, from the server's plan.
        $run.Prompts[0] | Should -Match 'Restore the KMS record from its backup .* \(State 1 to 4\)'
        @($run.Out.Results | ForEach-Object { $_.Status }) | Should -Be @()
        $run.Out.Problems | Should -Be @('KmsRecordChanged')
        Get-Bytes $file | Should -Be (ConvertTo-AnsiBase64 ((Get-ResetText ($Stuck -f 'alice')) + "Edited = 1`r`nChanged = 1`r`n"))
    }

    It 'refuses a restore with -AllowChangedSinceReset of another server''s audit-log entry whose record changed after it was planned' {
        $server = Start-TestServer -Name 'serverM' -Files @{ 'Ma.ini' = $Stuck -f 'alice' }
        # The server's own audit log, read there: its lines come back with the session's RunspaceId.
        $log = Join-Path "$($server.Database).kmsdb-backup" 'kmsdb-audit.log'
        $restore = '$lines = @(Invoke-Command -Session $session {{ param($Log) Get-Content -LiteralPath $Log | ConvertFrom-Json }} -ArgumentList ''{0}'')' -f $log
        $restore += "`n" + '$results = @($lines | Restore-KmsEnrollment -Confirm -AllowChangedSinceReset -ErrorVariable problems -ErrorAction SilentlyContinue)'
        $run = Invoke-PromptedRestore -Server $server -Restore $restore
        $file = $run.File
        $run.Out.Done | Should -Be 1
        $run.Out.Lines | Should -Be 1
        $run.Prompts.Count | Should -Be 1
        @($run.Out.Results | ForEach-Object { $_.Status }) | Should -Be @()
        $run.Out.Problems | Should -Be @('KmsRecordChanged')
        Get-Bytes $file | Should -Be (ConvertTo-AnsiBase64 ((Get-ResetText ($Stuck -f 'alice')) + "Edited = 1`r`nChanged = 1`r`n"))
    }

    It 'does not overwrite, on a server whose module cannot pin a restore to its planned hash (the release before -Sha256), a record that changed after it was planned' {
        # The release before: it plans for another computer, but Restore-KmsEnrollment takes no sha256 from what is
        # piped to it (here the parameter stays, for the module's strict mode, but binds nothing from the pipeline).
        $old, $psm1, $text = Copy-TestModule
        $param = "[Parameter(ParameterSetName = 'Backup', ValueFromPipelineByPropertyName)]`n        [ValidateNotNullOrEmpty()]`n        [string] `$Sha256,"
        $text = $text.Replace("`r`n", "`n")
        $text.Contains($param) | Should -BeTrue
        [System.IO.File]::WriteAllText($psm1, $text.Replace($param, "[Parameter(ParameterSetName = 'Backup')]`n        [AllowNull()]`n        [AllowEmptyString()]`n        [string] `$Sha256,"))
        $server = Start-TestServer -Name 'serverX' -Files @{ 'Ma.ini' = $Stuck -f 'alice' } -ModuleFolder $old
        $run = Invoke-PromptedRestore -Server $server -Restore '$results = @($done | Restore-KmsEnrollment -Confirm -AllowChangedSinceReset -ErrorVariable problems -ErrorAction SilentlyContinue)'
        $file = $run.File
        $run.Out.Done | Should -Be 1
        # A server that could not hold a confirmed restore to the record asked about is not asked for one:
        # nothing is asked, nothing is changed there, and the error says why.
        $run.Prompts.Count | Should -Be 0
        Get-Bytes $file | Should -Be (ConvertTo-AnsiBase64 ((Get-ResetText ($Stuck -f 'alice')) + "Edited = 1`r`n"))
        @($run.Out.Results | ForEach-Object { $_.Status }) | Should -Be @()
        $run.Out.Problems | Should -Be @('KmsModuleOutdated')
    }

    It 'undoes the resets of two servers from the pipeline, each on its own server, byte-exact on both' {
        $textI = @{ 'Mu.ini' = $Stuck -f 'uma'; 'Mv.ini' = "[Client]`r`nState = 1`r`nAlias = vic`r`n" }
        $textJ = @{ 'Mw.ini' = $Stuck -f 'walt'; 'Mx.ini' = $Stuck -f 'xena' }
        $i = Start-TestServer -Name 'serverI' -Files $textI
        $j = Start-TestServer -Name 'serverJ' -Files $textJ
        $sessions = @((New-TestSession $i), (New-TestSession $j))
        $done = @(Get-KmsRecord -Session $sessions -Affected | Reset-KmsEnrollment -Confirm:$false)
        @($done.Id | Sort-Object) | Should -Be @('Mu', 'Mw', 'Mx')
        Get-Bytes (Join-Path $j.Database 'Mw.ini') | Should -Be (ConvertTo-AnsiBase64 (Get-ResetText $textJ['Mw.ini']))

        # -WhatIf changes nothing on the servers: kmsdb there only plans the restores, what-if.
        $starts = foreach ($server in $i, $j) { @(Get-Content -LiteralPath (Join-Path $server.Home 'trace.ndjson')).Count }
        $null = $done | Restore-KmsEnrollment -WhatIf
        foreach ($at in 0, 1) {
            $server = @($i, $j)[$at]
            $events = @(Get-Content -LiteralPath (Join-Path $server.Home 'trace.ndjson') | Select-Object -Skip $starts[$at] | ConvertFrom-Json)
            $runs = @($events | Where-Object { $_.PSObject.Properties['argv'] })
            @($runs | ForEach-Object { $_.argv[0] }) | Should -Be @('restore')
            $runs[0].argv | Should -Contain '--what-if'
            @($events | Where-Object { $_.PSObject.Properties['confirmed'] } | ForEach-Object { [int]$_.confirmed }) | Should -Be @(0)
        }
        Get-Bytes (Join-Path $i.Database 'Mu.ini') | Should -Be (ConvertTo-AnsiBase64 (Get-ResetText $textI['Mu.ini']))
        Get-Bytes (Join-Path $i.Database 'Mv.ini') | Should -Be (ConvertTo-AnsiBase64 $textI['Mv.ini'])
        foreach ($name in $textJ.Keys) { Get-Bytes (Join-Path $j.Database $name) | Should -Be (ConvertTo-AnsiBase64 (Get-ResetText $textJ[$name])) }

        $restored = @($done | Restore-KmsEnrollment -Confirm:$false)
        @($restored.Id | Sort-Object) | Should -Be @('Mu', 'Mw', 'Mx')
        @($restored.Status | Sort-Object -Unique) | Should -Be @('Restored')
        $restored[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.KmsEnrollment.RestoreResult'
        foreach ($name in $textI.Keys) { Get-Bytes (Join-Path $i.Database $name) | Should -Be (ConvertTo-AnsiBase64 $textI[$name]) }
        foreach ($name in $textJ.Keys) { Get-Bytes (Join-Path $j.Database $name) | Should -Be (ConvertTo-AnsiBase64 $textJ[$name]) }
        # Each server restored its own records with one kmsdb restore of its own database (besides the plans,
        # what-if): nothing crossed over.
        foreach ($server in $i, $j) {
            $runs = @(Get-Content -LiteralPath (Join-Path $server.Home 'trace.ndjson') | ConvertFrom-Json | Where-Object { $_.PSObject.Properties['argv'] -and $_.argv[0] -eq 'restore' -and $_.argv -notcontains '--what-if' })
            $runs.Count | Should -Be 1
            $runs[0].argv[([array]::IndexOf($runs[0].argv, '--path') + 1)] | Should -Be $server.Database
        }
        $restored | Format-Table | Out-String -Width 250 | Should -Match 'Id\s+Alias\s+Status\s+PreviousState\s+State\s+RestoredFrom'
    }
}
