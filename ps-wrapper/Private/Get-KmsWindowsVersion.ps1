function Get-KmsWindowsVersion {
    <#
    .SYNOPSIS
    The version of the running Windows (10.0.x for Windows 10, 11 and Server 2016 and later).
    #>
    [CmdletBinding()]
    [OutputType([version])]
    param()
    return [Environment]::OSVersion.Version
}
