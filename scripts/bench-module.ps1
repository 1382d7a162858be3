# Times the module pipeline against the CLI pipeline on fresh copies of one
# folder of stuck records, alternating, inside one PowerShell session (the
# session an admin already has open). Prints one JSON line of medians.
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
$module = New-Object System.Collections.Generic.List[double]
$cli = New-Object System.Collections.Generic.List[double]
for ($i = 0; $i -lt $Runs; $i++) {
    $db = New-Copy
    $n = 0
    $module.Add((Measure-Command { Get-KmsRecord -Path $db -Affected | Reset-KmsEnrollment -Confirm:$false | ForEach-Object { $n++ } }).TotalSeconds)
    if ($n -ne $count) { throw "the module reset $n of $count records" }

    $db = New-Copy
    $q = { param($s) "'" + ($s -replace "'", "'\''") + "'" }
    $line = '{0} get --path {1} --affected --format ndjson | {0} reset --path {1} --stdin --format ndjson | grep -c ''"status":"reset"''' -f (& $q $Kmsdb), (& $q $db)
    $out = $null
    $cli.Add((Measure-Command { $out = & sh -c $line }).TotalSeconds)
    if ([int]$out -ne $count) { throw "the CLI reset $out of $count records" }
}
Remove-Item -LiteralPath $Work -Recurse -Force

function Get-Median($xs) { $s = @($xs | Sort-Object); if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 } }
[ordered]@{ records = $count; module = (Get-Median $module); cli = (Get-Median $cli) } | ConvertTo-Json -Compress
