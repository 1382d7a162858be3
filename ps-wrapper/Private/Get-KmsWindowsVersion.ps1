function Get-KmsWindowsVersion {
    <#
    .SYNOPSIS
    The version of the running Windows (10.0.x for Windows 10, 11 and Server 2016 and later).

    .DESCRIPTION
    Read from the registry, where Windows 10 and later keep CurrentMajorVersionNumber:
    [Environment]::OSVersion on .NET Framework says 6.2 in any process whose executable lacks
    the Windows 10 compatibility manifest (embedded runspaces, agents, services).
    #>
    [CmdletBinding()]
    [OutputType([version])]
    param()
    $current = Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion' -ErrorAction Ignore
    if ($current -and $current.PSObject.Properties['CurrentMajorVersionNumber'] -and $current.PSObject.Properties['CurrentBuildNumber']) {
        return [version]('{0}.{1}.{2}' -f $current.CurrentMajorVersionNumber, $current.CurrentMinorVersionNumber, $current.CurrentBuildNumber)
    }
    return [Environment]::OSVersion.Version
}
