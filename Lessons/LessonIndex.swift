import DSDC
