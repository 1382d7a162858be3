function Test-KmsWindows {
    <#
    .SYNOPSIS
    True on Windows, in Windows PowerShell 5.1 (which has no $IsWindows) and in PowerShell 7.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param()
    return ($PSVersionTable.PSEdition -eq 'Desktop') -or ((Test-Path -Path 'variable:IsWindows') -and $IsWindows)
}
