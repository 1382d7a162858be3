# How a kmsdb run can end badly, and what the cmdlets then report. The stub in
# test/windows-lane/stub stands in for kmsdb.exe and ends as each test says.
BeforeDiscovery {
    # Exit codes a process can end with when kmsdb's own handler never ran.
    $script:CrashCodes = @(
        @{ Name = 'an access violation'; Exit = '0xC0000005'; Hex = '0xC0000005' }
        @{ Name = 'a DLL entry point that is missing (an older Windows)'; Exit = '0xC0000139'; Hex = '0xC0000139' }
        @{ Name = 'a failed start'; Exit = '0xC0000142'; Hex = '0xC0000142' }
        @{ Name = 'exit 1 from outside kmsdb''s handler'; Exit = '1'; Hex = '0x00000001' }
    )
    if (-not $IsWindows) {
        # On Linux a crash is a signal, which .NET reports as 128 + its number.
        $script:CrashCodes = @(
            @{ Name = 'a segmentation fault'; Exit = 'SIGSEGV'; Hex = '0x0000008B' }
            @{ Name = 'exit 1 from outside kmsdb''s handler'; Exit = '1'; Hex = '0x00000001' }
        )
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:Crash = @{ Exit = 'SIGSEGV'; Hex = '0x0000008B' }
    if ($IsWindows) { $script:Crash = @{ Exit = '0xC0000005'; Hex = '0xC0000005' } }
}

Describe 'A kmsdb that does not report its own exit' {
    AfterEach { Restore-Kmsdb }

    It 'is an error naming the code in hex and what it wrote, never "nobody is stuck": <Name>' -ForEach $CrashCodes {
        $case = $_
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        Use-KmsdbStub @{ EXIT = $case.Exit; STDERR = 'something went wrong here' }
        $records = @(Get-KmsRecord -Path $db -Affected -ErrorVariable problems -ErrorAction SilentlyContinue)
        $records.Count | Should -Be 0
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'KmsdbFailed,Get-KmsRecord'
        $problems[0].Exception.Message | Should -Match ([regex]::Escape($case.Hex))
        $problems[0].Exception.Message | Should -Match 'something went wrong here'
    }

    It 'fails a scheduled task''s -ErrorAction Stop' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        Use-KmsdbStub @{ EXIT = $Crash.Exit }
        { Get-KmsRecord -Path $db -Affected -ErrorAction Stop } | Should -Throw -ErrorId 'KmsdbFailed,Get-KmsRecord'
    }

    It 'gives every record of the batch that got no answer a KmsdbFailed error of its own' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'a'; 'Mb.ini' = $Stuck -f 'b'; 'Mc.ini' = $Stuck -f 'c' }
        $records = @(Get-KmsRecord -Path $db)
        $answer = @{ id = 'Ma'; path = $records[0].Path; status = 'reset'; previousState = 4; state = 1; backupPath = 'x'; code = $null; message = 'reset'; mailbox = 'a'; alias = 'a'; sha256Before = $null; sha256After = $null } | ConvertTo-Json -Compress
        # It planned all three, was told to change all three, answered for the first and crashed.
        $plan = foreach ($r in $records) { @{ id = $r.Id; path = $r.Path; status = 'whatif'; previousState = 4; state = 1; backupPath = $null; code = $null; message = 'would'; mailbox = $r.Mailbox; sha256Before = $null; sha256After = $null } | ConvertTo-Json -Compress }
        Use-KmsdbStub @{ EXIT = $Crash.Exit; STDOUT = (($plan + '{"type":"plan-end"}' + $answer) -join "`n") + "`n" }
        $results = @($records | Reset-KmsEnrollment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue)
        $results.Id | Should -Be @('Ma')
        $problems.Count | Should -Be 2
        $problems.FullyQualifiedErrorId | Should -Be @('KmsdbFailed,Reset-KmsEnrollment', 'KmsdbFailed,Reset-KmsEnrollment')
        $problems.TargetObject.Id | Should -Be @('Mb', 'Mc')
        $problems[0].Exception.Message | Should -Match ([regex]::Escape($Crash.Hex))
    }

    It 'is still an error when it reports a code other than the one it ended with' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        Use-KmsdbStub @{ EXIT = '1'; REPORT = '0' }
        $null = Get-KmsRecord -Path $db -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.FullyQualifiedErrorId | Should -Be @('KmsdbFailed,Get-KmsRecord')
    }

    It 'gives kmsdb''s own message when it dies before reading its request, not a broken pipe' {
        # More request than a pipe buffers, so that writing it meets the closed pipe.
        $records = foreach ($i in 1..3000) { [PSCustomObject]@{ Path = (Join-Path $TestDrive ('M{0:d5}.ini' -f $i)); Sha256 = ('0' * 64) } }
        Use-KmsdbStub @{ READ = '0'; EXIT = $Crash.Exit; STDERR = 'kmsdb: cannot start here' }
        $results = @($records | Reset-KmsEnrollment -Confirm:$false -BatchSize 5000 -ErrorVariable problems -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 0
        $problems.Count | Should -Be 3000
        @($problems | Where-Object { $_.FullyQualifiedErrorId -ne 'KmsdbFailed,Reset-KmsEnrollment' }).Count | Should -Be 0
        $problems[0].Exception.Message | Should -Match 'cannot start here'
        $problems[0].Exception.Message | Should -Match ([regex]::Escape($Crash.Hex))
        $problems[0].Exception.Message | Should -Not -Match 'pipe'
    }
}

Describe 'A kmsdb that cannot start or prints garbage' {
    AfterEach { Restore-Kmsdb }

    It 'is a KmsdbFailed error for each record when the executable cannot be started' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'a'; 'Mb.ini' = $Stuck -f 'b' }
        $records = @(Get-KmsRecord -Path $db)
        # Not a program: what AppLocker, WDAC or a quarantine leaves the module with.
        $blocked = Join-Path (New-TestFolder) 'kmsdb.exe'
        [System.IO.File]::WriteAllText($blocked, 'not a program')
        & (Get-Module KmsEnrollment) { param($p) $script:KmsdbExecutable = $p } $blocked
        $results = @($records | Reset-KmsEnrollment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 0
        $problems.FullyQualifiedErrorId | Should -Be @('KmsdbFailed,Reset-KmsEnrollment', 'KmsdbFailed,Reset-KmsEnrollment')
        $problems.TargetObject.Id | Should -Be @('Ma', 'Mb')
        $problems[0].Exception.Message | Should -Match 'could not be started'
        Restore-Kmsdb
        (Get-KmsRecord -Path $db).State | Should -Be @(4, 4)
    }

    It 'counts a line that is not JSON as no answer, even with a reported exit 0 (<Name>)' -ForEach @(
        @{ Name = 'cut off'; Line = "{`"id`":`"Ma`",`"pa" }
        # Braced like an object, the line takes the quick parse, which must fail it as well.
        @{ Name = 'braced'; Line = "{`"id`":`"Ma`" `"path`"}" }
    ) {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'a' }
        Use-KmsdbStub @{ EXIT = '0'; REPORT = '0'; STDOUT = "$Line`n" }
        $records = @(Get-KmsRecord -Path $db -ErrorVariable problems -ErrorAction SilentlyContinue)
        $records.Count | Should -Be 0
        $problems.FullyQualifiedErrorId | Should -Be @('KmsdbFailed,Get-KmsRecord')
        $problems[0].Exception.Message | Should -Match 'not JSON'
    }
}

Describe 'The module''s own probing' {
    It 'leaves nothing in -ErrorVariable when a reset succeeds (no MSExchangeKMS service here)' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $results = @(Get-KmsRecord -Path $db -ErrorVariable readErrors | Reset-KmsEnrollment -Confirm:$false -ErrorVariable resetErrors)
        $results.Status | Should -Be @('Reset')
        @($readErrors).Count | Should -Be 0
        @($resetErrors).Count | Should -Be 0
    }

    # Stood in for: CIM under wine hangs instead of timing out, as it does on Windows.
    It 'says Unknown, and leaves nothing in -ErrorVariable, when a server cannot be asked about the service' {
        Mock -ModuleName KmsEnrollment Test-KmsWindows { $true }
        # PowerShell for Linux has no CimCmdlets: a stand-in command there, for the mock to replace.
        if (-not (Get-Command Get-CimInstance -ErrorAction Ignore)) { function global:Get-CimInstance { param($ClassName, $Filter, $ComputerName, $OperationTimeoutSec) } }
        Mock -ModuleName KmsEnrollment Get-CimInstance { throw 'The WinRM client cannot process the request.' }
        $found = & (Get-Module KmsEnrollment) { Test-KmsServiceRunning -ComputerName 'kms-unreachable.invalid' -ErrorVariable probeErrors; @($probeErrors).Count }
        $found | Should -Be @('Unknown', 0)
        Should -Invoke -ModuleName KmsEnrollment Get-CimInstance -Times 1 -Exactly -ParameterFilter { $ComputerName -eq 'kms-unreachable.invalid' -and $OperationTimeoutSec -eq 10 }
    }

    It 'warns that it could not check the service, naming the server' {
        Mock -ModuleName KmsEnrollment Test-KmsServiceRunning { 'Unknown' }
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $null = Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings.Message | Should -Match ('Could not check whether the Exchange KMS service \(MSExchangeKMS\) is running on ' + [regex]::Escape([Environment]::MachineName))
    }
}

Describe 'A path that Test-Path does not find' {
    It 'is not found when it does not exist' {
        $missing = Join-Path (New-TestFolder) 'nope'
        $null = Get-KmsRecord -LiteralPath $missing -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.FullyQualifiedErrorId | Should -Be @('KmsPathNotFound,Get-KmsRecord')
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    # Run as root (as the tests are), no path can deny access for real; the OS's answer is stood in for.
    It 'is access denied, with the hint to run elevated, when the OS says so' {
        Mock -ModuleName KmsEnrollment Invoke-KmsProbe { New-Object System.UnauthorizedAccessException ('Access to the path is denied.') }
        $null = Get-KmsRecord -LiteralPath (Join-Path (New-TestFolder) 'Clients') -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.FullyQualifiedErrorId | Should -Be @('KmsPathAccessDenied,Get-KmsRecord')
        $problems[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $problems[0].ErrorDetails.RecommendedAction | Should -Match 'Administrator \(elevated\)'
    }

    It 'carries the OS''s words when the path cannot be reached' {
        Mock -ModuleName KmsEnrollment Invoke-KmsProbe { New-Object System.IO.IOException ('The network path was not found.') }
        $null = Get-KmsRecord -LiteralPath '\\kms01\d$\exchsrvr\Security\Mgrent\Clients' -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.FullyQualifiedErrorId | Should -Be @('KmsPathUnavailable,Get-KmsRecord')
        $problems[0].Exception.Message | Should -Match 'The network path was not found'
    }

    It 'asks the OS for real, without leaving its probe in -ErrorVariable' {
        $result = & (Get-Module KmsEnrollment) {
            param($Path)
            $problem = Invoke-KmsProbe -ArgumentList @($Path) -ScriptBlock { param($p) try { $null = [System.IO.File]::GetAttributes($p); $null } catch { $_.Exception.InnerException } } -ErrorVariable probeErrors
            @($problem.GetType().Name, @($probeErrors).Count)
        } (Join-Path (New-TestFolder) 'nope')
        $result | Should -Be @('FileNotFoundException', 0)
    }

    # $Error holds what a cmdlet reports, as compiled cmdlets leave it: not what the module caught while it looked.
    It 'leaves in $Error only the error it reports (-ErrorAction <Action>), not what its probe caught' -ForEach @(
        @{ Action = 'Ignore'; Expected = @() }
        @{ Action = 'SilentlyContinue'; Expected = @('KmsPathNotFound,Get-KmsRecord') }
    ) {
        $missing = Join-Path (New-TestFolder) 'nope'
        $global:Error.Clear()
        $null = Get-KmsRecord -LiteralPath $missing -ErrorAction $Action
        @($global:Error | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.FullyQualifiedErrorId } else { $_.GetType().Name } }) | Should -Be $Expected
    }
}
