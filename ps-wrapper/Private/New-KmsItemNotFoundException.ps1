function New-KmsItemNotFoundException {
    <#
    .SYNOPSIS
    An ItemNotFoundException that carries the path and the ErrorId, as the engine's own do.

    .DESCRIPTION
    `catch [System.Management.Automation.ItemNotFoundException]` sees the error
    record the exception makes of itself, not the one the cmdlet wrote. One
    made with the public constructor says ErrorId SessionStateException and
    has no TargetObject; the constructor the engine uses (Get-Item's
    PathNotFound) sets both. It is not public, so it is found by reflection,
    and where it is missing the public one still gives the right type.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ItemNotFoundException])]
    param(
        [Parameter(Mandatory)]
        [string] $Path,

        [Parameter(Mandatory)]
        [string] $ErrorId
    )
    $flags = [System.Reflection.BindingFlags]'NonPublic, Instance'
    $constructor = [System.Management.Automation.ItemNotFoundException].GetConstructor($flags, $null, [type[]]@([string], [string], [string]), $null)
    # The engine formats the message with the path as {0}; the path itself is never a format string.
    $format = "Cannot find path '{0}' because it does not exist."
    if ($constructor) { return $constructor.Invoke(@($Path, $ErrorId, $format)) }
    return New-Object System.Management.Automation.ItemNotFoundException ($format -f $Path)
}
