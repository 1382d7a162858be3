function Get-KmsComputerName {
    <#
    .SYNOPSIS
    This computer's name, as records and results carry it.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    return [Environment]::MachineName
}
