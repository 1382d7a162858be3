function Get-KmsdbExecutable {
    <#
    .SYNOPSIS
    The path of the kmsdb executable bundled for this platform, made executable once on Unix.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )

    if ($script:KmsdbExecutable) { return $script:KmsdbExecutable }

    $onWindows = ($PSVersionTable.PSEdition -eq 'Desktop') -or ((Test-Path -Path 'variable:IsWindows') -and $IsWindows)
    $onLinux = (Test-Path -Path 'variable:IsLinux') -and $IsLinux
    $architecture = 'X86'
    if ([Environment]::Is64BitOperatingSystem) { $architecture = 'X64' }
    try {
        $architecture = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString()
    } catch {
        # Older .NET Framework builds lack RuntimeInformation; the 64-bit check above stands.
        $null = $_
    }

    $platform = $null
    if ($architecture -eq 'X64' -and $onWindows) { $platform = 'win-x64'; $name = 'kmsdb.exe' }
    elseif ($architecture -eq 'X64' -and $onLinux) { $platform = 'linux-x64'; $name = 'kmsdb' }
    if (-not $platform) {
        $what = '{0} on {1}' -f [Environment]::OSVersion.Platform, $architecture
        $exception = New-Object System.PlatformNotSupportedException ("KmsEnrollment runs on Windows and Linux on x64; this is $what.")
        $Cmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord ($exception, 'KmsdbPlatformNotSupported', 'NotImplemented', $what)))
    }

    $path = Join-Path -Path (Join-Path -Path (Join-Path -Path $script:ModuleRoot -ChildPath 'bin') -ChildPath $platform) -ChildPath $name
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
        $exception = New-Object System.IO.FileNotFoundException ("The kmsdb executable is missing: $path. Reinstall the KmsEnrollment module.", $path)
        $Cmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord ($exception, 'KmsdbNotFound', 'ObjectNotFound', $path)))
    }
    if (-not $onWindows) {
        # A module copied without its modes (from a zip, say) still runs.
        & chmod 'u+x' $path 2>$null
    }
    $script:KmsdbExecutable = $path
    return $path
}

function Invoke-Kmsdb {
    <#
    .SYNOPSIS
    Runs one kmsdb command and emits each object it prints, as it prints it.

    .DESCRIPTION
    The only place that starts kmsdb. The command goes in as one JSON request
    on stdin (kmsdb --request -), so no path or pattern is ever quoted on a
    command line. Stdout is read as UTF-8 NDJSON, line by line, and each line
    is emitted at once. Progress lines on stderr become Write-Progress; other
    stderr lines and the exit code become errors on the calling cmdlet.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [System.Collections.IDictionary] $Request,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # What an error of the whole command names as its target.
        [object] $TargetObject
    )

    $executable = Get-KmsdbExecutable -Cmdlet $Cmdlet
    $utf8 = New-Object System.Text.UTF8Encoding ($false)
    $startInfo = New-Object System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = $executable
    $startInfo.Arguments = '--request -'
    $startInfo.UseShellExecute = $false
    $startInfo.CreateNoWindow = $true
    $startInfo.RedirectStandardInput = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.StandardOutputEncoding = $utf8
    $startInfo.StandardErrorEncoding = $utf8

    $activity = 'kmsdb {0}' -f $Request['command']
    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        $bytes = $utf8.GetBytes((ConvertTo-Json -InputObject $Request -Depth 8 -Compress))
        $process.StandardInput.BaseStream.Write($bytes, 0, $bytes.Length)
        $process.StandardInput.Close()

        $messages = New-Object System.Collections.Generic.List[string]
        $outTask = $process.StandardOutput.ReadLineAsync()
        $errTask = $process.StandardError.ReadLineAsync()
        # Both streams are read at once, so that neither can fill up and stall kmsdb.
        while ($null -ne $outTask -or $null -ne $errTask) {
            $pending = New-Object System.Collections.Generic.List[System.Threading.Tasks.Task]
            if ($null -ne $outTask) { $pending.Add($outTask) }
            if ($null -ne $errTask) { $pending.Add($errTask) }
            [void][System.Threading.Tasks.Task]::WaitAny($pending.ToArray(), 250)

            if ($null -ne $errTask -and $errTask.IsCompleted) {
                $line = $errTask.Result
                if ($null -eq $line) {
                    $errTask = $null
                } else {
                    $errTask = $process.StandardError.ReadLineAsync()
                    $progress = $null
                    if ($line.StartsWith('{"type":"progress"')) { $progress = ConvertFrom-Json -InputObject $line }
                    if ($null -ne $progress) {
                        $percent = 100
                        if ($progress.total -gt 0) { $percent = [int](100 * $progress.done / $progress.total) }
                        $activity = $progress.activity
                        Write-Progress -Activity $activity -Status ('{0} of {1}' -f $progress.done, $progress.total) -PercentComplete $percent
                    } elseif ($line.Trim()) {
                        $messages.Add($line)
                    }
                }
            }
            if ($null -ne $outTask -and $outTask.IsCompleted) {
                $line = $outTask.Result
                if ($null -eq $line) {
                    $outTask = $null
                } else {
                    $outTask = $process.StandardOutput.ReadLineAsync()
                    if ($line.Trim()) { ConvertFrom-Json -InputObject $line }
                }
            }
        }
        $process.WaitForExit()
        $code = $process.ExitCode

        # 0 is success; 1 means some records were refused, which each result reports.
        if ($code -gt 1) {
            # kmsdb's pointers to its own help mean nothing to a cmdlet's user.
            $message = ($messages | ForEach-Object { $_ -replace '^kmsdb: ', '' -replace " See 'kmsdb --help'\.$", '' }) -join ' '
            if (-not $message) { $message = "kmsdb exited with code $code." }
            switch ($code) {
                2 { $exception = New-Object System.ArgumentException ($message); $id = 'KmsdbBadRequest'; $category = 'InvalidArgument' }
                3 { $exception = New-Object System.IO.DirectoryNotFoundException ($message); $id = 'KmsDatabaseNotFound'; $category = 'ObjectNotFound' }
                4 { $exception = New-Object System.InvalidOperationException ($message); $id = 'KmsDatabaseLocked'; $category = 'ResourceBusy' }
                default { $exception = New-Object System.InvalidOperationException ($message); $id = 'KmsdbFailed'; $category = 'NotSpecified' }
            }
            $Cmdlet.WriteError((New-Object System.Management.Automation.ErrorRecord ($exception, $id, $category, $TargetObject)))
        }
    } finally {
        # Reached early when a later command stops the pipeline (Select-Object -First, Ctrl+C).
        if (-not $process.HasExited) {
            try { $process.Kill() } catch { $null = $_ }
        }
        Write-Progress -Activity $activity -Completed
        $process.Dispose()
    }
}
