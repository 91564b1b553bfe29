# only a comment

   	
