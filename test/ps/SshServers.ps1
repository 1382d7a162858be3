# SSH servers on 127.0.0.1 that stand for KMS servers, for the remoting tests and the remoting
# benchmark: each has the PowerShell subsystem, its own settings file, database folder and
# trace file. Linux only, as root (sshd). Dot-source it, then Initialize-SshServers.
$script:SshLatin1 = [System.Text.Encoding]::GetEncoding('iso-8859-1')

# Keys and the module copy the servers share, under $Work.
function Initialize-SshServers {
    param([Parameter(Mandatory)] [string] $Work, [Parameter(Mandatory)] [string] $ModuleFolder)
    $script:SshWork = $Work
    $script:Servers = New-Object System.Collections.Generic.List[object]
    $script:SshModules = Join-Path $Work 'modules'
    New-Item -ItemType Directory -Path $SshModules | Out-Null
    Copy-Item -LiteralPath $ModuleFolder -Destination $SshModules -Recurse
    New-Item -ItemType Directory -Path '/run/sshd' -Force | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $Work 'hostkey')
    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $Work 'clientkey')
    Copy-Item -LiteralPath (Join-Path $Work 'clientkey.pub') -Destination (Join-Path $Work 'authorized_keys')
    & chmod 600 (Join-Path $Work 'authorized_keys') (Join-Path $Work 'clientkey') (Join-Path $Work 'hostkey')
}

function Get-FreePort {
    $listener = New-Object System.Net.Sockets.TcpListener ([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $port = $listener.LocalEndpoint.Port
    $listener.Stop()
    $port
}

# One "server": a folder with its database, settings, subsystem wrapper and sshd.
function Start-TestServer {
    param([string] $Name, [hashtable] $Files, [bool] $WithModule = $true,
        # A folder of modules of the server's own, instead of the copy the servers share.
        [string] $ModuleFolder)
    $root = Join-Path $SshWork $Name
    $db = Join-Path (Join-Path $root 'Mgrent') 'Clients'
    New-Item -ItemType Directory -Path $db | Out-Null
    foreach ($key in $Files.Keys) { [System.IO.File]::WriteAllBytes((Join-Path $db $key), $SshLatin1.GetBytes($Files[$key])) }
    Set-Content -LiteralPath (Join-Path $root 'kmsdb.ini') -Value "[defaults]`ndatabase = $db"
    $modulePath = $SshModules
    if (-not $WithModule) { $modulePath = Join-Path $root 'no-modules' }
    if ($ModuleFolder) { $modulePath = $ModuleFolder }
    $wrapper = Join-Path $root 'subsystem.sh'
    Set-Content -LiteralPath $wrapper -Value @(
        '#!/bin/sh'
        "export PSModulePath='$modulePath'"
        "export KMSDB_CONFIG='$(Join-Path $root 'kmsdb.ini')'"
        "export KMSDB_TRACE_FILE='$(Join-Path $root 'trace.ndjson')'"
        "exec '$env:KMSDB_TEST_PWSH' -sshs -NoLogo -NoProfile"
    )
    & chmod 755 $wrapper
    $port = Get-FreePort
    $config = Join-Path $root 'sshd_config'
    Set-Content -LiteralPath $config -Value @(
        "Port $port"
        'ListenAddress 127.0.0.1'
        "HostKey $(Join-Path $SshWork 'hostkey')"
        "PidFile $(Join-Path $root 'sshd.pid')"
        "AuthorizedKeysFile $(Join-Path $SshWork 'authorized_keys')"
        'PubkeyAuthentication yes'
        'PasswordAuthentication no'
        'KbdInteractiveAuthentication no'
        'UsePAM no'
        'StrictModes no'
        'PermitRootLogin prohibit-password'
        "Subsystem powershell $wrapper"
    )
    $log = Join-Path $root 'sshd.log'
    $process = Start-Process -FilePath '/usr/sbin/sshd' -ArgumentList @('-D', '-e', '-f', $config) -PassThru -RedirectStandardError $log -RedirectStandardOutput (Join-Path $root 'sshd.out')
    $deadline = (Get-Date).AddSeconds(20)
    while (-not ((Test-Path -LiteralPath $log) -and (Get-Content -Raw -LiteralPath $log) -match 'Server listening')) {
        if ((Get-Date) -gt $deadline -or $process.HasExited) { throw "sshd for $Name did not start: $(Get-Content -Raw -LiteralPath $log -ErrorAction SilentlyContinue)" }
        Start-Sleep -Milliseconds 100
    }
    $server = [PSCustomObject]@{ Name = $Name; Home = $root; Database = $db; Port = $port; Process = $process }
    $script:Servers.Add($server)
    $server
}

function New-TestSession {
    param($Server)
    New-PSSession -HostName 127.0.0.1 -Port $Server.Port -UserName root -KeyFilePath (Join-Path $SshWork 'clientkey') -Options @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' } -ErrorAction Stop
}

# Ends every session and server, and waits until nothing they started is left.
function Stop-SshServers {
    Get-PSSession | Remove-PSSession
    foreach ($server in $script:Servers) {
        if ($server -and -not $server.Process.HasExited) {
            $server.Process.Kill()
            $server.Process.WaitForExit(10000) | Out-Null
        }
    }
}
