# Times Get-KmsRecord -Session and Reset-KmsEnrollment across N loopback SSH servers against one
# server, in one PowerShell session: for each N, fresh stuck records on every server, then
#   Get-KmsRecord -Session $all -Affected, and
#   Get-KmsRecord -Session $all -Affected | Reset-KmsEnrollment -Confirm:$false.
# Server counts alternate within each round. Prints one JSON line of medians per server count.
param(
    [Parameter(Mandatory)] [string] $Work,
    # Server counts, comma-separated (pwsh -File passes one string).
    [string] $ServerCounts = '1,6',
    [int] $Records = 100,
    [int] $Runs = 3
)
$ErrorActionPreference = 'Stop'
$counts = @($ServerCounts -split ',' | ForEach-Object { [int]$_ })
$root = Split-Path $PSScriptRoot
Import-Module (Join-Path $root 'dist/KmsEnrollment/KmsEnrollment.psd1') -Force
. (Join-Path $root 'test/ps/SshServers.ps1')
Initialize-SshServers -Work $Work -ModuleFolder (Join-Path $root 'dist/KmsEnrollment')

$stuck = "[Client]`r`nDN = /o=Contoso/ou=Site/cn=Recipients/cn={0}`r`nAlias = {0}`r`nState = 4`r`n"
$most = ($counts | Measure-Object -Maximum).Maximum
$all = foreach ($i in 1..$most) { Start-TestServer -Name "server$i" -Files @{} }
$sessions = @($all | ForEach-Object { New-TestSession $_ })

function Reset-Databases([object[]] $Chosen) {
    foreach ($server in $Chosen) {
        Get-ChildItem -LiteralPath (Split-Path $server.Database) -Force | Where-Object Name -NE 'Clients' | Remove-Item -Recurse -Force
        Get-ChildItem -LiteralPath $server.Database -Force | Remove-Item -Force
        foreach ($r in 1..$Records) { [System.IO.File]::WriteAllText((Join-Path $server.Database ('M{0:d6}.ini' -f $r)), ($stuck -f "user$r")) }
    }
}

function Get-Median($xs) { $s = @($xs | Sort-Object); if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 } }

$times = @{}
foreach ($n in $counts) { $times[$n] = @{ Get = [System.Collections.Generic.List[double]]::new(); Reset = [System.Collections.Generic.List[double]]::new() } }
try {
    # A first round warms the sessions and the remote module loads; it is not counted.
    for ($round = 0; $round -le $Runs; $round++) {
        foreach ($n in $counts) {
            $chosen = @($sessions | Select-Object -First $n)
            Reset-Databases ($all | Select-Object -First $n)
            $count = 0
            $get = (Measure-Command { Get-KmsRecord -Session $chosen -Affected | ForEach-Object { $count++ } }).TotalSeconds
            if ($count -ne $n * $Records) { throw "get read $count of $($n * $Records) records" }
            $done = 0
            $reset = (Measure-Command { Get-KmsRecord -Session $chosen -Affected | Reset-KmsEnrollment -Confirm:$false | ForEach-Object { $done++ } }).TotalSeconds
            if ($done -ne $n * $Records) { throw "reset changed $done of $($n * $Records) records" }
            if ($round -gt 0) { $times[$n].Get.Add($get); $times[$n].Reset.Add($reset) }
        }
    }
} finally {
    Stop-SshServers
}
foreach ($n in $counts) {
    [ordered]@{ servers = $n; records = $Records; get = (Get-Median $times[$n].Get); reset = (Get-Median $times[$n].Reset) } | ConvertTo-Json -Compress
}
