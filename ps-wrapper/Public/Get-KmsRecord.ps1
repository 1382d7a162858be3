function Get-KmsRecord {
    <#
    .SYNOPSIS
    Reads Exchange 5.0 KMS client records and finds the users stuck by KB Q198709.

    .DESCRIPTION
    Get-KmsRecord reads the KMS security database, one .ini file per user in
    Security\Mgrent\Clients, exactly as KMS itself reads it (the Windows profile
    API), and emits one KmsEnrollment.Record object per file, as it is read.

    A record is Affected when its State is 4 (Recovery) and it has no NumSCerts
    key: the condition of KB Q198709, in which the user can never enroll. Pipe
    such records to Reset-KmsEnrollment to fix them.

    All the paths of one call are read by one kmsdb process. Long scans show
    progress.

    .PARAMETER Path
    A database folder (Security\Mgrent\Clients) or record files. Wildcards are
    allowed. Binds from the pipeline, by value and by the property Path or
    PSPath (so Get-Item and Get-ChildItem output can be piped).

    .PARAMETER LiteralPath
    Like -Path, but taken exactly as written: no character is a wildcard.

    .PARAMETER Mailbox
    Finds a mailbox's record. A pattern matches a whole value in the record, or
    the last cn= of a DN (/o=Org/ou=Site/cn=Recipients/cn=jdoe matches jdoe).
    * and ? are wildcards, and case is ignored in any script. user3 does not
    match user30. Several patterns find any of them.

    .PARAMETER Affected
    Only records stuck by Q198709: State 4 and no NumSCerts.

    .EXAMPLE
    Get-KmsRecord -Path 'D:\exchsrvr\Security\Mgrent\Clients' -Affected

    Lists every user stuck by Q198709.

    .EXAMPLE
    Get-KmsRecord -Path 'D:\exchsrvr\Security\Mgrent\Clients' -Mailbox jdoe, 'Smith*' | Format-List *

    Finds the records of jdoe and of every mailbox starting with Smith, with all their properties.

    .EXAMPLE
    Get-KmsRecord -Path 'D:\exchsrvr\Security\Mgrent\Clients' -Affected | Reset-KmsEnrollment -WhatIf

    Shows which records Reset-KmsEnrollment would fix, without changing anything.

    .EXAMPLE
    Get-ChildItem -LiteralPath '\\kms01\d$\exchsrvr\Security\Mgrent\Clients' -Filter 'M*.ini' | Get-KmsRecord | Where-Object Warnings

    Reads records over a UNC path and shows those with warnings (duplicate State, binary or empty files).

    .INPUTS
    System.String. Paths, by value or by the property Path or PSPath.

    .OUTPUTS
    KmsEnrollment.Record

    .LINK
    about_KmsEnrollment

    .LINK
    Reset-KmsEnrollment
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    [OutputType('KmsEnrollment.Record')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path', ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('PSPath')]
        [SupportsWildcards()]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path,

        [Parameter(Mandatory, ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName)]
        [Alias('LP')]
        [ValidateNotNullOrEmpty()]
        [string[]] $LiteralPath,

        [SupportsWildcards()]
        [ValidateNotNullOrEmpty()]
        [string[]] $Mailbox,

        [switch] $Affected
    )

    begin {
        $paths = New-Object System.Collections.Generic.List[string]
    }

    process {
        if ($PSCmdlet.ParameterSetName -eq 'LiteralPath') {
            $resolved = Resolve-KmsPath -Path $LiteralPath -Literal -Cmdlet $PSCmdlet
        } else {
            $resolved = Resolve-KmsPath -Path $Path -Cmdlet $PSCmdlet
        }
        foreach ($p in $resolved) { $paths.Add($p) }
    }

    end {
        # One kmsdb process reads every path of the call.
        if ($paths.Count -eq 0) { return }
        $request = [ordered]@{ command = 'get'; path = $paths.ToArray(); format = 'ndjson'; progress = $true }
        if ($Mailbox) { $request['mailbox'] = [string[]]$Mailbox }
        if ($Affected) { $request['affected'] = $true }
        Invoke-Kmsdb -Request $request -Cmdlet $PSCmdlet -TargetObject ($paths -join ', ') | ConvertTo-KmsRecord
    }
}
