# Shared by the module's Pester tests: the built module, databases in temp
# folders, and the trace of kmsdb starts.
$script:Root = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).Path
$script:ModuleManifest = Join-Path $script:Root 'dist/KmsEnrollment/KmsEnrollment.psd1'
$script:Latin1 = [System.Text.Encoding]::GetEncoding('iso-8859-1')
$script:Stuck = "[Client]`r`nDN = /o=Contoso/ou=Site/cn=Recipients/cn={0}`r`nAlias = {0}`r`nState = 4`r`n"

function New-TestFolder {
    $path = Join-Path ([System.IO.Path]::GetTempPath()) ('kmsdb-ps-' + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $path | Out-Null
    $path
}

# A database folder (…/Mgrent/Clients) holding the given files; strings are written as ANSI bytes.
function New-KmsDb {
    param([hashtable] $Files, [string] $Name = 'Clients')
    $dir = Join-Path (Join-Path (New-TestFolder) 'Mgrent') $Name
    New-Item -ItemType Directory -Path $dir | Out-Null
    foreach ($key in $Files.Keys) {
        $bytes = $Files[$key]
        if ($bytes -is [string]) { $bytes = $script:Latin1.GetBytes($bytes) }
        [System.IO.File]::WriteAllBytes((Join-Path $dir $key), [byte[]]$bytes)
    }
    $dir
}

# A file's bytes as Base64, so that comparisons are exact and failures short.
function Get-Bytes {
    param([string] $Path)
    [Convert]::ToBase64String([System.IO.File]::ReadAllBytes($Path))
}

function ConvertTo-AnsiBase64 {
    param([string] $Text)
    [Convert]::ToBase64String($script:Latin1.GetBytes($Text))
}

# What kmsdb writes when it resets: the State value's 4 becomes 1.
function Get-ResetText {
    param([string] $Text)
    $Text -replace 'State = 4', 'State = 1'
}

function Start-KmsdbTrace {
    $script:TraceFile = Join-Path (New-TestFolder) 'trace.ndjson'
    $env:KMSDB_TRACE_FILE = $script:TraceFile
}

# The commands kmsdb ran since Start-KmsdbTrace, one per process start.
function Get-KmsdbTrace {
    if (-not (Test-Path -LiteralPath $script:TraceFile)) { return @() }
    @(Get-Content -LiteralPath $script:TraceFile | ConvertFrom-Json | Where-Object { $_.PSObject.Properties['argv'] } | ForEach-Object { $_.argv[0] })
}

# How many records each planned kmsdb run was told to change, in order (a run that was not asked to plan has none).
function Get-KmsdbConfirmed {
    if (-not (Test-Path -LiteralPath $script:TraceFile)) { return @() }
    @(Get-Content -LiteralPath $script:TraceFile | ConvertFrom-Json | Where-Object { $_.PSObject.Properties['confirmed'] } | ForEach-Object { [int]$_.confirmed })
}

function Stop-KmsdbTrace {
    Remove-Item Env:KMSDB_TRACE_FILE -ErrorAction SilentlyContinue
}

# Every argument list kmsdb ran with since Start-KmsdbTrace, one per process start.
function Get-KmsdbTraceArgs {
    if (-not (Test-Path -LiteralPath $script:TraceFile)) { return @() }
    @(Get-Content -LiteralPath $script:TraceFile | ConvertFrom-Json | Where-Object { $_.PSObject.Properties['argv'] } | ForEach-Object { , @($_.argv) })
}

# The module starts the kmsdb stand-in of $env:KMSDB_TEST_STUB (test/windows-lane/stub), which
# ends as the KMSDB_STUB_* variables say; Restore-Kmsdb undoes it.
function Use-KmsdbStub {
    param([hashtable] $Behaviour)
    if (-not $env:KMSDB_TEST_STUB -or -not (Test-Path -LiteralPath $env:KMSDB_TEST_STUB)) { throw "KMSDB_TEST_STUB names no stub: '$env:KMSDB_TEST_STUB'. Run the tests through scripts/test-ps.mjs." }
    foreach ($name in 'READ', 'STDOUT', 'STDERR', 'REPORT', 'EXIT') { Remove-Item "Env:KMSDB_STUB_$name" -ErrorAction Ignore }
    foreach ($key in $Behaviour.Keys) { Set-Item "Env:KMSDB_STUB_$key" -Value ([string]$Behaviour[$key]) }
    & (Get-Module KmsEnrollment) { param($p) $script:KmsdbExecutable = $p } $env:KMSDB_TEST_STUB
}

function Restore-Kmsdb {
    foreach ($name in 'READ', 'STDOUT', 'STDERR', 'REPORT', 'EXIT') { Remove-Item "Env:KMSDB_STUB_$name" -ErrorAction Ignore }
    & (Get-Module KmsEnrollment) { $script:KmsdbExecutable = $null }
}

<#
Runs a program to its end as Task Scheduler or a CI agent would: no console input, its output and errors
to files; gives its exit code. Not Start-Process -Wait: PowerShell 7 for Windows waits there on a job
object for the process's whole tree, and under wine that wait now and then never ended after the process
had (the scheduled-task tests hung in 3 of 6 runs of the Windows lane). A run past the timeout fails.
#>
function Invoke-TestProcess {
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        # An array is passed argument by argument; a single string is the command line as written.
        [Parameter(Mandatory)] [object] $ArgumentList,
        [string] $StandardOutput = (Join-Path (New-TestFolder) 'out.txt'),
        [string] $StandardError = (Join-Path (New-TestFolder) 'err.txt'),
        [int] $TimeoutSeconds = 180,
        # What the process reads on stdin before its end; nothing by default.
        [string] $StandardInput = ''
    )
    $info = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
    if ($ArgumentList -is [string]) { $info.Arguments = $ArgumentList } else { foreach ($argument in $ArgumentList) { $info.ArgumentList.Add([string] $argument) } }
    $info.UseShellExecute = $false
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.StandardOutputEncoding = [System.Text.Encoding]::UTF8
    $info.StandardErrorEncoding = [System.Text.Encoding]::UTF8
    $process = [System.Diagnostics.Process]::Start($info)
    try {
        if ($StandardInput) { $process.StandardInput.Write($StandardInput) }
        $process.StandardInput.Close()
        $out = $process.StandardOutput.ReadToEndAsync()
        $err = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill($true)
            throw "$FilePath $ArgumentList did not end within $TimeoutSeconds s"
        }
        $process.WaitForExit()
        [System.IO.File]::WriteAllText($StandardOutput, $out.GetAwaiter().GetResult())
        [System.IO.File]::WriteAllText($StandardError, $err.GetAwaiter().GetResult())
        $process.ExitCode
    } finally {
        $process.Dispose()
    }
}

