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
    $platform = Get-KmsdbPlatform -Cmdlet $Cmdlet
    $name = 'kmsdb'
    if ($platform -like 'win-*') { $name = 'kmsdb.exe' }
    $path = Join-Path -Path (Join-Path -Path (Join-Path -Path $script:ModuleRoot -ChildPath 'bin') -ChildPath $platform) -ChildPath $name
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
        Write-KmsError -Cmdlet $Cmdlet -Terminating -ExceptionType 'System.IO.FileNotFoundException' -ErrorId 'KmsdbNotFound' -Category 'ObjectNotFound' -TargetObject $path `
            -Message "The kmsdb executable is missing or cannot be read: $path. Reinstall the KmsEnrollment module, and check that antivirus software has not quarantined it."
    }
    if ($platform -notlike 'win-*') {
        # A module copied without its modes (from a zip, say) still runs.
        & chmod 'u+x' $path 2>$null
        if ($LASTEXITCODE -ne 0) {
            # Not fatal: a file the caller cannot chmod (another owner's) may be executable already; if not, starting it says so.
            Write-Verbose ("chmod u+x '{0}' exited {1}." -f $path, $LASTEXITCODE)
        }
    }
    $script:KmsdbExecutable = $path
    return $path
}
