function Resolve-KmsOutputPath {
    <#
    .SYNOPSIS
    The file-system path a -Path, -BackupPath, -BackupFolder or -LogPath names, resolved where the caller stands; one that cannot be resolved, or is no file-system path, stops the call before anything is written.

    .DESCRIPTION
    The path may not exist yet (kmsdb makes the backup folder and the log), so
    it is resolved, not looked up: against the caller's location and drives
    (a PSDrive the caller made is seen). A drive that does not exist for this
    account (a share mapped only in another logon, as in a scheduled task), or
    a path of another provider, is a terminating KmsPathNotResolved error:
    dropping it would write the backups and the log somewhere else.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory)]
        [string] $Path,

        # The parameter's name, for the message.
        [Parameter(Mandatory)]
        [string] $Parameter
    )
    # Resolved where the caller stands, so that a PSDrive made in the caller's function is seen.
    $resolved = Resolve-KmsCallerPath -Cmdlet $Cmdlet -Path $Path
    if ($resolved.Error) {
        $reason = $resolved.Error
        while ($reason.InnerException) { $reason = $reason.InnerException }
        $found = @($null, $reason.Message.TrimEnd('.'))
    } elseif ($resolved.Provider -ne 'FileSystem') {
        $found = @($null, ('it is a path of the {0} provider, not of the file system' -f $resolved.Provider))
    } else {
        $found = @($resolved.Paths[0], $null)
    }
    if ($null -eq $found[0]) {
        $message = '-{0} {1} cannot be resolved: {2}. Nothing was changed. Use a path this account can reach (a UNC path rather than a drive mapped in another logon).' -f $Parameter, $Path, $found[1]
        Write-KmsError -Cmdlet $Cmdlet -Message $message -ErrorId 'KmsPathNotResolved' -Category 'ObjectNotFound' -TargetObject $Path -ExceptionType 'System.Management.Automation.ItemNotFoundException' -Terminating
    }
    # A trailing separator goes, but never the root's own: '/' stays '/', 'D:\' stays 'D:\'.
    $path = [string]$found[0]
    $root = [System.IO.Path]::GetPathRoot($path)
    if ($null -eq $root) { $root = '' }
    while ($path.Length -gt $root.Length -and ($path.EndsWith('\') -or $path.EndsWith('/'))) { $path = $path.Substring(0, $path.Length - 1) }
    $path
}
