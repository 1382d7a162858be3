# Times the module pipeline against the CLI pipeline on fresh copies of one
# folder of stuck records, inside one PowerShell session (the session an admin
# already has open): one untimed round first, then rounds that alternate which
# side goes first. Prints one JSON line of medians.
param(
    [Parameter(Mandatory)] [string] $Template,
    [Parameter(Mandatory)] [string] $Work,
    [Parameter(Mandatory)] [string] $Kmsdb,
    [int] $Runs = 5
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../dist/KmsEnrollment/KmsEnrollment.psd1') -Force

function New-Copy {
    if (Test-Path -LiteralPath $Work) { Remove-Item -LiteralPath $Work -Recurse -Force }
    New-Item -ItemType Directory -Path $Work | Out-Null
    Copy-Item -LiteralPath $Template -Destination (Join-Path $Work 'Clients') -Recurse
    Join-Path $Work 'Clients'
}

$count = @(Get-ChildItem -LiteralPath $Template -Filter '*.ini').Count
$q = { param($s) "'" + ($s -replace "'", "'\''") + "'" }
# Each side resets every record of its fresh copy: the module's results are counted after the timing, the CLI's by grep.
$sides = @{
    module = {
        param($db)
        @(Get-KmsRecord -Path $db -Affected | Reset-KmsEnrollment -Confirm:$false)
    }
    cli    = {
        param($db)
        $line = '{0} get --path {1} --affected --format ndjson | {0} reset --path {1} --stdin --format ndjson | grep -c ''"status":"reset"''' -f (& $q $Kmsdb), (& $q $db)
        [int](& sh -c $line)
    }
}
$walls = @{ module = New-Object System.Collections.Generic.List[double]; cli = New-Object System.Collections.Generic.List[double] }
# Round 0 is not timed: it compiles the module's code in this session and fills the page cache, for both sides.
for ($i = 0; $i -le $Runs; $i++) {
    $order = @('module', 'cli')
    if ($i % 2) { $order = @('cli', 'module') }
    foreach ($side in $order) {
        $db = New-Copy
        $n = 0
        $wall = (Measure-Command { $script:done = & $sides[$side] $db }).TotalSeconds
        $n = $script:done
        if ($side -eq 'module') { $n = @($script:done | Where-Object Status -EQ 'Reset').Count }
        if ($n -ne $count) { throw "the $side pipeline reset $n of $count records" }
        if ($i -gt 0) { $walls[$side].Add($wall) }
    }
}
Remove-Item -LiteralPath $Work -Recurse -Force

function Get-Median($xs) { $s = @($xs | Sort-Object); if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 } }
[ordered]@{ records = $count; module = (Get-Median $walls.module); cli = (Get-Median $walls.cli); load = ((Get-Content -LiteralPath '/proc/loadavg' -ErrorAction Ignore) -split ' ')[0] } | ConvertTo-Json -Compress
