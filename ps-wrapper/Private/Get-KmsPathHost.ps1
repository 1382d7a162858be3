function Get-KmsPathHost {
    <#
    .SYNOPSIS
    The server a path lives on: the host of a UNC path (\\kms01\d$\... gives kms01), else '.' for this computer.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [string] $Path
    )
    # \\?\UNC\server\share and \\server\share; \\?\D:\ and \\.\ are local device paths.
    if ($Path -match '^\\\\\?\\UNC\\([^\\]+)\\') { return $Matches[1] }
    if ($Path -match '^\\\\([^\\?.][^\\]*)\\') { return $Matches[1] }
    return '.'
}
